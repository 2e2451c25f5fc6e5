package org.liveng.api;

import java.util.List;

/**
 * A provider's answer to "can you do this?". A refusal carries the reasons, so
 * that preflight can explain it before anything is written.
 *
 * @param supported whether the provider can handle the request
 * @param reasons why not (empty when supported); each a complete sentence
 */
public record Support(boolean supported, List<String> reasons) {
    public Support {
        reasons = List.copyOf(reasons);
    }

    private static final Support YES = new Support(true, List.of());

    public static Support yes() {
        return YES;
    }

    public static Support no(String... reasons) {
        return new Support(false, List.of(reasons));
    }
}
