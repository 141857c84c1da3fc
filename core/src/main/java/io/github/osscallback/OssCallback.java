package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_BODY;

import io.github.osscallback.internal.BodyParser;
import io.github.osscallback.internal.FieldMap;
import io.github.osscallback.internal.JsonCodec;
import io.github.osscallback.internal.LogSafe;
import io.github.osscallback.internal.QueryNames;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A callback whose OSS signature has been verified, with its body parsed into fields. Only a
 * {@link CallbackVerifier} creates one, so holding an {@code OssCallback} means the request came
 * from OSS. Immutable and safe to share.
 *
 * <p>Remember what the signature does not prove (docs/protocol.md in the repository, threat model): the body template is
 * chosen by whoever uploaded, so a field is only as trustworthy as the template that produced it.
 *
 * <p>A genuine signature is never refused for the shape of its body (unless the verifier was
 * built with {@link CallbackVerifier.Builder#strictBodyParsing(boolean)}): OSS signs and delivers
 * whatever the template produced, and does not retry. A body that is not what its content type
 * says arrives with a {@link #bodyProblem()}. Its fields are kept where they can still be read
 * without ambiguity (a form-style template sent as JSON is read with OSS's JSON quoting removed);
 * otherwise (a form body outside the strict grammar every decoder reads alike, such as a {@code %}
 * that starts no escape of two ASCII hex digits; duplicate names; text that is not UTF-8; invalid
 * JSON) {@link #fields()} is empty, so no ambiguous value is ever exposed, and only the raw
 * {@link #body()} remains. With upload tokens such a body is refused instead. A size or image dimension that is not a whole number
 * is a problem too, and its typed accessor is empty.
 */
public final class OssCallback {

    private final String path;
    private final String query;
    private final String keyUrl;
    private final String contentType;
    private final BodyType bodyType;
    private final byte[] body;
    private final Map<String, String> fields;
    private final Map<SystemVariable, String> fieldNames;
    private final boolean jsonObject;
    private final String uploadSubject;
    private final String bodyProblem;

    private OssCallback(OssCallback verified, String uploadSubject) {
        this.path = verified.path;
        this.query = verified.query;
        this.keyUrl = verified.keyUrl;
        this.contentType = verified.contentType;
        this.bodyType = verified.bodyType;
        this.body = verified.body;
        this.fields = verified.fields;
        this.fieldNames = verified.fieldNames;
        this.jsonObject = verified.jsonObject;
        this.uploadSubject = uploadSubject;
        this.bodyProblem = verified.bodyProblem;
    }

    OssCallback(String path, String query, String keyUrl, String contentType, BodyType bodyType, byte[] body,
                BodyParser.Parsed parsed, Map<SystemVariable, String> fieldNames) {
        this.path = path;
        this.query = query;
        this.keyUrl = keyUrl;
        this.contentType = contentType;
        this.bodyType = bodyType;
        this.body = body;
        this.fields = parsed.fields;
        this.fieldNames = fieldNames;
        this.jsonObject = parsed.jsonObject;
        this.uploadSubject = null;
        String problem = parsed.problem;
        for (SystemVariable number : NUMBERS) {
            String value = fields.get(fieldName(number));
            if (value != null && !value.isEmpty() && parseNonNegative(value) < 0) {
                problem = (problem == null ? "" : problem + "; ") + "field '" + LogSafe.text(fieldName(number))
                        + "' carrying " + number.placeholder()
                        + " is not a non-negative whole number, so its typed accessor is empty";
            }
        }
        this.bodyProblem = problem;
    }

    /** The variables whose typed accessors read numbers, checked once per callback. */
    private static final SystemVariable[] NUMBERS = java.util.Arrays.stream(SystemVariable.values())
            .filter(SystemVariable::isNumber).toArray(SystemVariable[]::new);

    private static long parseNonNegative(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < value.length(); i++) {
            int d = value.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            n = n * 10 + d;
        }
        return n;
    }

    /** The request path exactly as received (still percent-encoded). */
    public String path() {
        return path;
    }

    /** The raw query string, if the request had one. */
    public Optional<String> query() {
        return Optional.ofNullable(query);
    }

    /**
     * The query's parameters as the verifier reads them, the one reading every adapter's parameter
     * view gives: form-decoded as UTF-8, in query order. A pair that decoders could read
     * differently (a {@code %} that starts no escape of two ASCII hex digits, text that is not
     * UTF-8, an empty name or a control character in it) is left out. No query name is the name of
     * a body field: such a callback is refused. The query is the uploader's choice, as the body
     * template is.
     */
    public Map<String, List<String>> queryParameters() {
        return QueryNames.parameters(query);
    }

    /** The decoded public key URL the request named (and that the policy allowed). */
    public String keyUrl() {
        return keyUrl;
    }

    /** The request's content type, if it sent one. */
    public Optional<String> contentType() {
        return Optional.ofNullable(contentType);
    }

    /**
     * The body's type, as its content type states it ({@link BodyType#FORM} when it sends none):
     * how {@link #fields()} were read. Whether the body really is of that type is for
     * {@link #bodyProblem()} to say.
     */
    public BodyType bodyType() {
        return bodyType;
    }

    /** A copy of the raw, signed body bytes. */
    public byte[] body() {
        return body.clone();
    }

    /**
     * The raw, signed body bytes as a read-only view, not a copy: for adapters that serve the
     * body again (a stream, a data buffer) at no cost per request.
     */
    public ByteBuffer bodyBuffer() {
        return ByteBuffer.wrap(body).asReadOnlyBuffer();
    }

    /** Every body field by name, in body order; nested JSON objects appear under dotted names. */
    public Map<String, String> fields() {
        return fields;
    }

    /** One body field by name. */
    public Optional<String> field(String name) {
        return Optional.ofNullable(fields.get(name));
    }

    /** The body fields whose names start with {@code x:}, the custom-variable convention. */
    public Map<String, String> customVariables() {
        // The fields' own index type: a HashMap slows down on names that share a String.hashCode.
        FieldMap.Builder custom = FieldMap.builder(8);
        fields.forEach((name, value) -> {
            if (name.startsWith("x:")) {
                custom.add(name, value);
            }
        });
        return custom.build();
    }

    /**
     * The value of a system variable, read from the body field that carries it. An empty value
     * counts as absent (OSS substitutes empty text, for instance image fields of a non-image).
     * This is the accessor for text variables such as {@link SystemVariable#ETAG} or
     * {@link SystemVariable#CRC64} (an unsigned 64-bit number, kept as text); the bucket and
     * object, and the numbers as numbers, have their own accessors below.
     */
    public Optional<String> get(SystemVariable variable) {
        String value = fields.get(fieldName(variable));
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private String fieldName(SystemVariable variable) {
        String mapped = fieldNames.get(variable);
        return mapped != null ? mapped : variable.variableName();
    }

    /** The same callback, with the subject its verified upload token binds. */
    OssCallback withUploadSubject(String subject) {
        return new OssCallback(this, subject);
    }

    /**
     * The subject (e.g. a user id) bound into the verified upload token, when the verifier checks
     * {@link UploadTokens} and the token carried one.
     */
    public Optional<String> uploadSubject() {
        return Optional.ofNullable(uploadSubject);
    }

    /**
     * What was wrong with the body, if it was not what its content type says or a typed field is
     * not a valid number: one line naming the likely template mistake, never quoting values.
     * Empty for a body that parsed cleanly. See the class description for which fields remain.
     */
    public Optional<String> bodyProblem() {
        return Optional.ofNullable(bodyProblem);
    }

    /** {@code ${bucket}}. */
    public Optional<String> bucket() {
        return get(SystemVariable.BUCKET);
    }

    /** {@code ${object}}: the object key. */
    public Optional<String> object() {
        return get(SystemVariable.OBJECT);
    }

    /** {@code ${size}}: the object size in bytes; empty if absent or not a whole number. */
    public OptionalLong size() {
        return number(SystemVariable.SIZE);
    }

    /** {@code ${imageInfo.height}}. */
    public OptionalLong imageHeight() {
        return number(SystemVariable.IMAGE_HEIGHT);
    }

    /** {@code ${imageInfo.width}}. */
    public OptionalLong imageWidth() {
        return number(SystemVariable.IMAGE_WIDTH);
    }

    private OptionalLong number(SystemVariable variable) {
        long n = get(variable).map(OssCallback::parseNonNegative).orElse(-1L);
        return n < 0 ? OptionalLong.empty() : OptionalLong.of(n);
    }

    /**
     * Binds the body to a record or bean of the caller's: JSON bodies by their structure, form
     * bodies by field name. Whole numbers sent as strings are accepted; a fraction is never
     * truncated into an integer field ({@code 1.5} or {@code "1.5"} into a {@code long} fails);
     * unknown fields are ignored.
     *
     * @throws CallbackRejectedException with {@code MALFORMED_BODY} if the body does not fit the
     *     type, or had no readable fields (see {@link #bodyProblem()}); its message names the field and the expected type, never a body value, and it
     *     carries no cause (Jackson's messages quote the values they could not bind)
     */
    public <T> T bind(Class<T> type) throws CallbackRejectedException {
        Objects.requireNonNull(type, "type");
        if (!jsonObject && fields.isEmpty() && bodyProblem().isPresent()) {
            // A record of nulls would look like a callback that said nothing; say that it said nothing readable.
            throw new CallbackRejectedException(MALFORMED_BODY, "body has no readable fields to bind to "
                    + type.getName() + ": " + bodyProblem().get());
        }
        try {
            // A clean JSON object binds by its structure, read again from the signed bytes.
            return jsonObject
                    ? JsonCodec.MAPPER.readValue(body, type)
                    : JsonCodec.MAPPER.convertValue(fields, type);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new CallbackRejectedException(MALFORMED_BODY, bindFailure(type, e));
        }
    }

    /** Says where binding failed from Jackson's structured details only, never from its message. */
    private static String bindFailure(Class<?> type, Exception failure) {
        Throwable cause = failure;
        while (cause != null && !(cause instanceof com.fasterxml.jackson.databind.JsonMappingException)) {
            cause = cause.getCause();
        }
        if (cause instanceof com.fasterxml.jackson.databind.exc.InvalidDefinitionException) {
            return type.getName() + " cannot be bound by Jackson (no usable constructor or setters)";
        }
        if (!(cause instanceof com.fasterxml.jackson.databind.JsonMappingException)) {
            return "body does not bind to " + type.getName();
        }
        com.fasterxml.jackson.databind.JsonMappingException mapping = (com.fasterxml.jackson.databind.JsonMappingException) cause;
        StringBuilder path = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonMappingException.Reference step : mapping.getPath()) {
            if (step.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(LogSafe.text(step.getFieldName()));
            } else if (step.getIndex() >= 0) {
                path.append('[').append(step.getIndex()).append(']');
            }
        }
        Class<?> target = mapping instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException
                ? ((com.fasterxml.jackson.databind.exc.MismatchedInputException) mapping).getTargetType() : null;
        String expected = target != null ? target.getTypeName() : type.getName();
        return path.length() == 0
                ? "body does not bind to " + expected
                : "body field '" + path + "' does not bind to " + expected + " (binding " + type.getName() + ")";
    }

    @Override
    public String toString() {
        // Field names only: values and body may hold user data and must not reach logs by accident.
        return "OssCallback[path=" + LogSafe.text(path) + ", fields=" + fields.keySet()
                + (bodyProblem == null ? "" : ", bodyProblem") + "]";
    }

    static Map<SystemVariable, String> copyOf(Map<SystemVariable, String> names) {
        return names.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(names));
    }
}
