package org.liveng.format.pe;

import java.util.List;

/**
 * The outcome of checking one signature against an image.
 *
 * @param imageDigestMatches the image hash equals the digest in the signature
 * @param signatureValid     the CMS signature (and its message digest attribute) checks out with the signer's certificate
 * @param trustChecked       trust anchors were given
 * @param trusted            a certificate of the signer's chain is, or is signed by, one of the anchors
 * @param problems           what failed, in words
 */
public record Verification(boolean imageDigestMatches, boolean signatureValid, boolean trustChecked, boolean trusted,
        List<String> problems) {
    public Verification {
        problems = List.copyOf(problems);
    }

    public boolean ok() {
        return imageDigestMatches && signatureValid && (!trustChecked || trusted);
    }
}
