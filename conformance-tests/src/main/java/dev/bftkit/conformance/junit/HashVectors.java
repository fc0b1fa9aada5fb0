package dev.bftkit.conformance.junit;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Published known-answer digests: SHA-256 from FIPS 180-2's examples (and the NIST "million a" vector), BLAKE2b-256
 * (RFC 7693 parameters, 32-byte output) and BLAKE3 from their reference implementations' published values.
 */
final class HashVectors {
    static final String MILLION_A = "a × 1,000,000";
    private static final String FIPS_448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

    /** Hash name → (input name → digest in hex). */
    static final Map<String, Map<String, String>> FOR = Map.of(
            "sha256", ordered(
                    "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                    "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                    FIPS_448, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
                    MILLION_A, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
            "blake2b-256", ordered(
                    "", "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8",
                    "abc", "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"),
            "blake3", ordered(
                    "", "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
                    "abc", "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"));

    private HashVectors() {
    }

    /**
     * @param name an input's name: its ASCII text, or {@link #MILLION_A}
     * @return the input's bytes
     */
    static byte[] input(String name) {
        return (MILLION_A.equals(name) ? "a".repeat(1_000_000) : name).getBytes(StandardCharsets.US_ASCII);
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }
}
