package org.liveng.keys;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;

/**
 * A PKCS #11 URI (RFC 7512) naming a key on a token:
 * {@code pkcs11:token=LABEL;object=LABEL?module-path=/usr/lib/softhsm/libsofthsm2.so}. Path attributes
 * used: {@code token}, {@code object}, {@code slot-id}; query attributes: {@code module-path}. A PIN
 * never goes into the URI ({@code pin-value} is refused): it comes from a secret reference.
 *
 * @param token the token label
 * @param object the key's label (the JCA key store alias)
 * @param slotId the slot id, or -1 to find the slot by the token label
 * @param modulePath the PKCS #11 library
 */
public record Pkcs11Uri(String token, String object, long slotId, String modulePath) {
    public static final String SCHEME = "pkcs11:";

    public static Pkcs11Uri parse(String uri) throws LivengException {
        if (!uri.startsWith(SCHEME)) {
            throw new LivengException(ErrorCodes.USAGE, "'" + uri + "' is not a pkcs11: URI", "e.g. pkcs11:token=liveng;object=db?module-path=/usr/lib/softhsm/libsofthsm2.so");
        }
        String rest = uri.substring(SCHEME.length());
        int q = rest.indexOf('?');
        Map<String, String> path = attributes(q < 0 ? rest : rest.substring(0, q), ";");
        Map<String, String> query = attributes(q < 0 ? "" : rest.substring(q + 1), "&");
        if (query.containsKey("pin-value") || path.containsKey("pin-value")) {
            throw new LivengException(ErrorCodes.USAGE, "a PKCS #11 URI must not carry the PIN (pin-value)",
                    "give the PIN as a secret reference: file:PATH, env:NAME, stdin or prompt");
        }
        String object = path.get("object");
        String module = query.get("module-path");
        if (object == null || module == null) {
            throw new LivengException(ErrorCodes.USAGE, uri + " lacks " + (object == null ? "object=<key label>" : "?module-path=<PKCS #11 library>"),
                    "e.g. pkcs11:token=liveng;object=db?module-path=/usr/lib/softhsm/libsofthsm2.so");
        }
        long slot = -1;
        if (path.containsKey("slot-id")) {
            try {
                slot = Long.parseLong(path.get("slot-id"));
            } catch (NumberFormatException e) {
                throw new LivengException(ErrorCodes.USAGE, "slot-id=" + path.get("slot-id") + " in " + uri + " is not a number", null);
            }
        }
        if (slot < 0 && path.get("token") == null) {
            throw new LivengException(ErrorCodes.USAGE, uri + " names neither token= nor slot-id=", null);
        }
        return new Pkcs11Uri(path.get("token"), object, slot, module);
    }

    /** This URI with another object label. */
    public Pkcs11Uri withObject(String label) {
        return new Pkcs11Uri(token, label, slotId, modulePath);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(SCHEME);
        if (token != null) {
            sb.append("token=").append(token).append(';');
        }
        if (slotId >= 0) {
            sb.append("slot-id=").append(slotId).append(';');
        }
        return sb.append("object=").append(object).append("?module-path=").append(modulePath).toString();
    }

    private static Map<String, String> attributes(String s, String sep) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : s.split(sep)) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                m.put(part.substring(0, eq), URLDecoder.decode(part.substring(eq + 1).replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return m;
    }
}
