package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.CONTENT_MD5_MISMATCH;
import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_BODY;
import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_HEADER;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The event signing rules as written in their sources (docs/events.md): MNS's documented string
 * to sign and Content-MD5 example, the EventBridge SDK's string to sign, and how bodies are read.
 */
class EventSigningRulesTest {

    private static final byte[] ABC = "abc".getBytes(StandardCharsets.UTF_8);
    private static final String ABC_MD5 = "900150983cd24fb0d6963f7d28e17f72"; // RFC 1321, A.5

    @Test
    void mnsStringToSignIsTheDocumentedExample() throws Exception {
        // MNS document 27488, "string to sign" example, headers as sent (names in any case).
        EventRequest request = EventRequest.builder("POST", "/notifications")
                .header("Content-MD5", "ZDgxNjY5ZjFlMDQ5MGM0YWMwMWE5ODlmZDVlYmQxYjI=")
                .header("Content-Type", "text/xml;charset=utf-8")
                .header("Date", "Wed, 25 May 2016 10:46:14 GMT")
                .header("x-mns-version", "2015-06-06")
                .header("X-MNS-Signing-Cert-Url", "aHR0cDovL21uc3Rlc3Qub3NzLWNuLWhhbmd6aG91LmFsaXl1bmNzLmNvbS94NTA5X3B1YmxpY19jZXJ0aWZpY2F0ZS5w****")
                .header("x-mns-request-id", "57458276F0E3D56D7C00****")
                .header("Host", "example.com")
                .build();
        assertEquals("POST\n"
                + "ZDgxNjY5ZjFlMDQ5MGM0YWMwMWE5ODlmZDVlYmQxYjI=\n"
                + "text/xml;charset=utf-8\n"
                + "Wed, 25 May 2016 10:46:14 GMT\n"
                + "x-mns-request-id:57458276F0E3D56D7C00****\n"
                + "x-mns-signing-cert-url:aHR0cDovL21uc3Rlc3Qub3NzLWNuLWhhbmd6aG91LmFsaXl1bmNzLmNvbS94NTA5X3B1YmxpY19jZXJ0aWZpY2F0ZS5w****\n"
                + "x-mns-version:2015-06-06\n"
                + "/notifications",
                EventVerifier.mnsStringToSign(request, "ZDgxNjY5ZjFlMDQ5MGM0YWMwMWE5ODlmZDVlYmQxYjI=",
                        "text/xml;charset=utf-8", "Wed, 25 May 2016 10:46:14 GMT"));
    }

    @Test
    void mnsStringToSignOfTheGoExamplesSimplifiedDelivery() throws Exception {
        // aliyun-mns-go-sdk example/http_authorization.go: a SIMPLIFIED delivery's headers (values masked there).
        EventRequest request = EventRequest.builder("POST", "/api/test")
                .header("Connection", "keep-alive")
                .header("x-mns-message-id", "AC10020B0019681A95159E591D10****")
                .header("Content-Type", "text/plain;charset=utf-8")
                .header("Content-md5", "5B4682CCA07FFB080FFE0A9D9821****")
                .header("x-mns-topic-owner", "****")
                .header("x-mns-topic-name", "HTTP-test")
                .header("x-mns-subscriber", "****")
                .header("x-mns-subscription-name", "sub-test-header")
                .header("x-mns-publish-time", "1730368640272")
                .header("x-mns-request-id", "672354803035301900003***")
                .header("Date", "Thu, 31 Oct 2024 09:57:20 GMT")
                .header("x-mns-version", "2015-06-06")
                .header("User-Agent", "Aliyun Notification Service Agent")
                .header("x-mns-signing-cert-url", "aHR0cHM6Ly9tbnN0ZXN0Lm9zcy1jbi1oYW5nemhvdS5hbGl5dW5****")
                .build();
        assertEquals("POST\n5B4682CCA07FFB080FFE0A9D9821****\ntext/plain;charset=utf-8\n"
                + "Thu, 31 Oct 2024 09:57:20 GMT\n"
                + "x-mns-message-id:AC10020B0019681A95159E591D10****\n"
                + "x-mns-publish-time:1730368640272\n"
                + "x-mns-request-id:672354803035301900003***\n"
                + "x-mns-signing-cert-url:aHR0cHM6Ly9tbnN0ZXN0Lm9zcy1jbi1oYW5nemhvdS5hbGl5dW5****\n"
                + "x-mns-subscriber:****\n"
                + "x-mns-subscription-name:sub-test-header\n"
                + "x-mns-topic-name:HTTP-test\n"
                + "x-mns-topic-owner:****\n"
                + "x-mns-version:2015-06-06\n"
                + "/api/test",
                EventVerifier.mnsStringToSign(request, "5B4682CCA07FFB080FFE0A9D9821****", "text/plain;charset=utf-8",
                        "Thu, 31 Oct 2024 09:57:20 GMT"));
    }

    @Test
    void mnsResourceIsTheRawTargetWithItsQuery() throws Exception {
        EventRequest request = EventRequest.builder("POST", "/n%2Fx?b=2&a=%41").build();
        assertTrue(EventVerifier.mnsStringToSign(request, "", "", "d").endsWith("d\n/n%2Fx?b=2&a=%41"));
    }

    @Test
    void documentedContentMd5IsBase64OfALowerCaseHexDigest() {
        String decoded = new String(Base64.getDecoder().decode("ZDgxNjY5ZjFlMDQ5MGM0YWMwMWE5ODlmZDVlYmQxYjI="),
                StandardCharsets.US_ASCII);
        assertTrue(decoded.matches("[0-9a-f]{32}"), decoded);
    }

    @Test
    void contentMd5IsAcceptedAsHexInEitherCaseOrAsBase64OfHex() {
        assertDoesNotThrow(() -> EventVerifier.requireMd5(ABC_MD5, ABC));
        assertDoesNotThrow(() -> EventVerifier.requireMd5(ABC_MD5.toUpperCase(), ABC));
        assertDoesNotThrow(() -> EventVerifier.requireMd5(Base64.getEncoder()
                .encodeToString(ABC_MD5.getBytes(StandardCharsets.US_ASCII)), ABC));
        assertDoesNotThrow(() -> EventVerifier.requireMd5(Base64.getEncoder()
                .encodeToString(ABC_MD5.toUpperCase().getBytes(StandardCharsets.US_ASCII)), ABC));
    }

    @Test
    void contentMd5OfAnotherBodyOrInAnUndocumentedFormIsRefused() {
        assertEquals(CONTENT_MD5_MISMATCH, assertThrows(CallbackRejectedException.class,
                () -> EventVerifier.requireMd5(ABC_MD5, "abd".getBytes(StandardCharsets.UTF_8))).reason());
        // RFC 1864's base64 of the raw digest is not a form MNS is documented to send.
        assertEquals(MALFORMED_HEADER, assertThrows(CallbackRejectedException.class,
                () -> EventVerifier.requireMd5("kAFQmDzST7DWlj99KOF/cg==", ABC)).reason());
        // Non-ASCII digits are not hex digits.
        assertEquals(MALFORMED_HEADER, assertThrows(CallbackRejectedException.class,
                () -> EventVerifier.requireMd5(ABC_MD5.replace('9', '\u0669'), ABC)).reason());
    }

    @Test
    void eventBridgeStringToSignFollowsTheSdk() {
        // The SDK's test headers (SignatureVerifyTest), its order, "name: value" lines and the newline after the body.
        String url = "http://127.0.0.1:8080/cloudevents";
        String cert = "https://cn-hangzhou-eventbridge.oss-cn-hangzhou.aliyuncs.com/x509_public_certificate_2021012101.pem";
        byte[] body = "Data is data1, constant is Please deal with it timely.".getBytes(StandardCharsets.UTF_8);
        assertEquals(url + "\n"
                + "x-eventbridge-signature-timestamp: 1612167546574\n"
                + "x-eventbridge-signature-method: HMAC-SHA1\n"
                + "x-eventbridge-signature-version: 1.0\n"
                + "x-eventbridge-signature-url: " + cert + "\n"
                + "Data is data1, constant is Please deal with it timely.\n",
                EventVerifier.eventBridgeStringToSign(url, "1612167546574", "x-eventbridge-signature-method", "HMAC-SHA1",
                        "1.0", cert, null, body));
        assertTrue(EventVerifier.eventBridgeStringToSign(url, "1", "x-eventbridge-signature-method", "HMAC-SHA1", "1.0",
                cert, "tk", body)
                .contains("x-eventbridge-signature-url: " + cert + "\nx-eventbridge-signature-token: tk\nData"));
    }

    @Test
    void eventBridgeV2StringToSignFollowsAlibabasSampleReceiver() {
        // aliyuneventbridge/eb-http-target @ 579471c, StringToSignBuilder: v1's lines with the hash
        // method in place of the signature method, and the newline after the body.
        String url = "http://127.0.0.1:8080/cloudevents?x=1";
        String cert = "https://cn-hangzhou-eventbridge.oss-accelerate.aliyuncs.com/x509_public_certificate.pem";
        assertEquals(url + "\n"
                + "x-eventbridge-signature-timestamp: 1733990400000\n"
                + "x-eventbridge-hash-method: SHA256\n"
                + "x-eventbridge-signature-version: 1.0\n"
                + "x-eventbridge-signature-url: " + cert + "\n"
                + "{}\n",
                EventVerifier.eventBridgeStringToSign(url, "1733990400000", "x-eventbridge-hash-method", "SHA256",
                        "1.0", cert, null, "{}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void mnsXmlNotificationIsRead() throws Exception {
        String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Notification xmlns=\"http://mns.aliyuncs.com/doc/v1/\">"
                + "<TopicOwner>1</TopicOwner><SubscriptionName>s</SubscriptionName><MessageId>M1</MessageId>"
                + "<Message>a &lt;b&gt; &amp; c</Message></Notification>";
        EventMessages.MnsNotification n = EventMessages.mns(xml.getBytes(StandardCharsets.UTF_8), null, null);
        assertEquals("M1", n.messageId);
        assertEquals("s", n.subscription);
        assertEquals("a <b> & c", n.message);
    }

    @Test
    void mnsXmlWithADoctypeIsRefused() {
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE n [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<Notification><MessageId>&x;</MessageId><Message>m</Message></Notification>";
        assertEquals(MALFORMED_BODY, assertThrows(CallbackRejectedException.class,
                () -> EventMessages.mns(xml.getBytes(StandardCharsets.UTF_8), null, null)).reason());
    }

    @Test
    void mnsSimplifiedBodyTakesItsIdFromTheHeader() throws Exception {
        EventMessages.MnsNotification n = EventMessages.mns("{\"events\":[]}".getBytes(StandardCharsets.UTF_8),
                "H1", "sub");
        assertEquals("H1", n.messageId);
        assertEquals("{\"events\":[]}", n.message);
    }

    @Test
    void aSimplifiedMessageThatIsItselfXmlOrJsonIsTheMessage() throws Exception {
        assertEquals("<order id=\"1\"/>", EventMessages.mns("<order id=\"1\"/>".getBytes(StandardCharsets.UTF_8),
                "H2", null).message);
        assertEquals("<broken", EventMessages.mns("<broken".getBytes(StandardCharsets.UTF_8), "H3", null).message);
        assertEquals(MALFORMED_BODY, assertThrows(CallbackRejectedException.class,
                () -> EventMessages.mns("<order/>".getBytes(StandardCharsets.UTF_8), null, null)).reason());
        assertEquals(MALFORMED_BODY, assertThrows(CallbackRejectedException.class,
                () -> EventMessages.mns("plain".getBytes(StandardCharsets.UTF_8), null, null)).reason());
    }

    @Test
    void ossEventRecordsAreReadAndOtherMessagesYieldNone() {
        String message = "{\"events\":[{\"eventName\":\"ObjectRemoved:DeleteObject\",\"region\":\"cn-beijing\","
                + "\"oss\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"k\",\"size\":1.5}}},{\"not\":\"oss\"}]}";
        List<OssEvent> events = EventMessages.ossEventsInMessage(message);
        assertEquals(1, events.size());
        OssEvent e = events.get(0);
        assertEquals("ObjectRemoved:DeleteObject", e.eventName().orElseThrow());
        assertTrue(e.size().isEmpty(), "a size that is not a whole number is not a size");
        assertTrue(e.eTag().isEmpty());
        assertTrue(e.uploadKey().isEmpty());
        assertEquals(List.of(), EventMessages.ossEventsInMessage("hello"));
        assertEquals(List.of(), EventMessages.ossEventsInMessage("aGVsbG8="));
    }

    @Test
    void uploadKeysIgnoreETagQuotesAndCaseButNotBucketOrKeyBoundaries() {
        assertEquals(OssEvent.uploadKey("b", "k", "\"ab\""), OssEvent.uploadKey("b", "k", "AB"));
        assertTrue(!OssEvent.uploadKey("a:b", "c", "e").equals(OssEvent.uploadKey("a", "b:c", "e")));
    }

    @Test
    void cloudEventNameFallsBackToTheType() {
        OssEvent e = EventMessages.ossEventsInCloudEvent(EventMessages.cloudEvent(
                "{\"type\":\"oss:ObjectCreated:PutObject\",\"data\":{\"oss\":{}}}".getBytes(StandardCharsets.UTF_8)))
                .get(0);
        assertEquals("ObjectCreated:PutObject", e.eventName().orElseThrow());
        assertNull(EventMessages.cloudEvent("[1]".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void builderRefusesContradictions() {
        assertThrows(IllegalStateException.class, () -> EventVerifier.builder().build());
        assertThrows(IllegalStateException.class, () -> EventVerifier.builder().acceptMns()
                .duplicateWindow(Duration.ofMinutes(5)).build());
        assertThrows(IllegalStateException.class, () -> EventVerifier.builder().acceptMns()
                .pinCertificate("https://elsewhere.example/c.pem", "x").build());
        assertThrows(IllegalStateException.class, () -> EventVerifier.builder().acceptMns().acceptMns());
        assertThrows(IllegalStateException.class, () -> EventVerifier.builder().acceptMns()
                .pinCertificate(EventVerifier.MNS_CERTIFICATE_PREFIX + "c.pem", "not a certificate").build());
        assertThrows(IllegalArgumentException.class, () -> EventVerifier.mnsCertificates("cn-hangzhou.evil.example/"));
    }
}
