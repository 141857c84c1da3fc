package io.github.osscallback.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.Version;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.DataInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * The one Jackson configuration the library uses; Jackson types never appear in the public API.
 *
 * <p>Works with every Jackson 2 from 2.13 on (Spring Boot 2.7 still manages 2.13, Boot 3.0 2.14).
 * Jackson 2.15 added {@code StreamReadConstraints}; on older versions the same nesting and number
 * limits are enforced by a parser wrapper of ours, so every parse through {@link #MAPPER} is
 * equally strict whichever Jackson the application brings. Which path applies is decided once,
 * from jackson-core's version, when this class loads.
 */
public final class JsonCodec {

    private static final System.Logger LOG = System.getLogger(JsonCodec.class.getName());

    /** Callback bodies are flat templates; anything deeper than this is hostile, not OSS. */
    public static final int MAX_NESTING_DEPTH = 32;
    /** Digits in one number (integer, fraction and exponent digits together, as Jackson counts them). */
    public static final int MAX_NUMBER_LENGTH = 64;

    /** jackson-core's version, read from its generated {@code PackageVersion}, not from a jar manifest. */
    public static final Version JACKSON_CORE_VERSION = com.fasterxml.jackson.core.json.PackageVersion.VERSION;

    /** Whether jackson-core has {@code StreamReadConstraints} with a nesting limit (2.15 and later). */
    public static final boolean JACKSON_ENFORCES_LIMITS = JACKSON_CORE_VERSION.getMajorVersion() > 2
            || (JACKSON_CORE_VERSION.getMajorVersion() == 2 && JACKSON_CORE_VERSION.getMinorVersion() >= 15);

    public static final ObjectMapper MAPPER = mapper(JACKSON_ENFORCES_LIMITS);

    static {
        if (!JACKSON_ENFORCES_LIMITS) {
            LOG.log(System.Logger.Level.DEBUG, "jackson-core {0} has no StreamReadConstraints; "
                    + "oss-callback enforces its JSON nesting and number limits itself", JACKSON_CORE_VERSION);
        }
    }

    private JsonCodec() {
    }

    /**
     * A mapper with the library's settings. {@code jacksonLimits} chooses Jackson's own constraints
     * (2.15+ only) or our parser wrapper; tests build both on a current Jackson to show they agree.
     */
    public static ObjectMapper mapper(boolean jacksonLimits) {
        // Field names are not interned: String.intern files every name of every body in the
        // JVM's string table by String.hashCode, which a body's sender makes collide at will.
        JsonFactory factory = jacksonLimits ? ConstrainedFactory.create() : new LimitedJsonFactory();
        return JsonMapper.builder(factory)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // 1.5 is not a long: truncating it would silently change what the callback said.
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .withCoercionConfig(LogicalType.Integer,
                        config -> config.setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
                .build();
    }

    /**
     * Jackson 2.15+ only. A class of its own so that the JVM resolves {@code StreamReadConstraints}
     * only when this path is taken: on 2.13 and 2.14 it is never loaded.
     */
    private static final class ConstrainedFactory {
        static JsonFactory create() {
            return JsonFactory.builder()
                    .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                    .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .build())
                    .build();
        }
    }

    /**
     * For Jackson before 2.15: every parser it creates is wrapped in a {@link LimitedParser}. Parsers
     * from every input kind (bytes, strings, streams, readers) go through these methods.
     */
    private static final class LimitedJsonFactory extends JsonFactory {
        private static final long serialVersionUID = 1L;

        LimitedJsonFactory() {
            disable(JsonFactory.Feature.INTERN_FIELD_NAMES);
        }

        private LimitedJsonFactory(LimitedJsonFactory source, ObjectCodec codec) {
            super(source, codec);
        }

        @Override
        public JsonFactory copy() {
            return new LimitedJsonFactory(this, null);
        }

        @Override
        protected JsonParser _createParser(InputStream in, IOContext context) throws IOException {
            return new LimitedParser(super._createParser(in, context));
        }

        @Override
        protected JsonParser _createParser(Reader reader, IOContext context) throws IOException {
            return new LimitedParser(super._createParser(reader, context));
        }

        @Override
        protected JsonParser _createParser(char[] data, int offset, int length, IOContext context,
                                           boolean recyclable) throws IOException {
            return new LimitedParser(super._createParser(data, offset, length, context, recyclable));
        }

        @Override
        protected JsonParser _createParser(byte[] data, int offset, int length, IOContext context) throws IOException {
            return new LimitedParser(super._createParser(data, offset, length, context));
        }

        @Override
        protected JsonParser _createParser(DataInput input, IOContext context) throws IOException {
            return new LimitedParser(super._createParser(input, context));
        }
    }

    /**
     * Counts nesting and number digits as each token is read, failing before databind builds
     * anything from it: a deep document never reaches databind's recursion, a long number never
     * reaches BigInteger or BigDecimal parsing. Every method that advances the stream is routed
     * through {@link #nextToken()}, so no token escapes the count. The cost is a counter per token
     * and a digit count per number, within the single parse.
     */
    private static final class LimitedParser extends JsonParserDelegate {
        private int depth;

        LimitedParser(JsonParser parser) {
            super(parser);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken token = delegate.nextToken();
            if (token == null) {
                return null;
            }
            switch (token) {
                case START_OBJECT:
                case START_ARRAY:
                    if (++depth > MAX_NESTING_DEPTH) {
                        throw new JsonParseException(delegate, "JSON nesting is deeper than "
                                + MAX_NESTING_DEPTH + " levels");
                    }
                    break;
                case END_OBJECT:
                case END_ARRAY:
                    depth--;
                    break;
                case VALUE_NUMBER_INT:
                case VALUE_NUMBER_FLOAT:
                    if (digits() > MAX_NUMBER_LENGTH) {
                        throw new JsonParseException(delegate, "JSON number has more than "
                                + MAX_NUMBER_LENGTH + " digits");
                    }
                    break;
                default:
                    break;
            }
            return token;
        }

        private int digits() throws IOException {
            char[] text = delegate.getTextCharacters();
            int from = delegate.getTextOffset();
            int to = from + delegate.getTextLength();
            int digits = 0;
            for (int i = from; i < to; i++) {
                char c = text[i];
                if (c >= '0' && c <= '9') {
                    digits++;
                }
            }
            return digits;
        }

        @Override
        public JsonToken nextValue() throws IOException {
            JsonToken token = nextToken();
            return token == JsonToken.FIELD_NAME ? nextToken() : token;
        }

        @Override
        public JsonParser skipChildren() throws IOException {
            JsonToken current = currentToken();
            if (current != JsonToken.START_OBJECT && current != JsonToken.START_ARRAY) {
                return this;
            }
            int open = 1;
            while (open > 0) {
                JsonToken token = nextToken();
                if (token == null) {
                    return this;
                }
                if (token.isStructStart()) {
                    open++;
                } else if (token.isStructEnd()) {
                    open--;
                }
            }
            return this;
        }

        @Override
        public String nextFieldName() throws IOException {
            return nextToken() == JsonToken.FIELD_NAME ? currentName() : null;
        }

        @Override
        public boolean nextFieldName(SerializableString name) throws IOException {
            return nextToken() == JsonToken.FIELD_NAME && name.getValue().equals(currentName());
        }

        @Override
        public String nextTextValue() throws IOException {
            return nextToken() == JsonToken.VALUE_STRING ? getText() : null;
        }

        @Override
        public int nextIntValue(int defaultValue) throws IOException {
            return nextToken() == JsonToken.VALUE_NUMBER_INT ? getIntValue() : defaultValue;
        }

        @Override
        public long nextLongValue(long defaultValue) throws IOException {
            return nextToken() == JsonToken.VALUE_NUMBER_INT ? getLongValue() : defaultValue;
        }

        @Override
        public Boolean nextBooleanValue() throws IOException {
            JsonToken token = nextToken();
            return token == JsonToken.VALUE_TRUE ? Boolean.TRUE : token == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
        }
    }
}
