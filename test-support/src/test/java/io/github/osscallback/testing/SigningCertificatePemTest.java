package io.github.osscallback.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import org.junit.jupiter.api.Test;

/** A certificate and key written as PEM and read back are the same pair: what one signs, the other verifies. */
class SigningCertificatePemTest {

    @Test
    void readBackFromPemItIsTheSameCertificateAndKey() throws Exception {
        SigningCertificate original = SigningCertificate.generate();
        SigningCertificate read = SigningCertificate.fromPem(original.pem(), original.privateKeyPem());
        assertArrayEquals(original.der(), read.der());
        assertEquals(original.publicKey(), read.publicKey());
        Signature signer = Signature.getInstance("SHA1withRSA");
        signer.initSign(read.privateKey());
        byte[] data = "POST\n\n\n".getBytes(StandardCharsets.UTF_8);
        signer.update(data);
        Signature verifier = Signature.getInstance("SHA1withRSA");
        verifier.initVerify(original.publicKey());
        verifier.update(data);
        assertEquals(true, verifier.verify(signer.sign()));
    }

    @Test
    void aKeyOrCertificateThatIsNotPemIsRefused() {
        SigningCertificate original = SigningCertificate.generate();
        assertThrows(IllegalArgumentException.class, () -> SigningCertificate.fromPem("not a certificate",
                original.privateKeyPem()));
        assertThrows(IllegalArgumentException.class, () -> SigningCertificate.fromPem(original.pem(), "not a key"));
    }
}
