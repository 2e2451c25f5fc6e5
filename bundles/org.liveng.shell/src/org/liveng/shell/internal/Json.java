package org.liveng.shell.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** The one JSON rendering of command results: pretty, stable field order (record order), nulls kept. */
final class Json {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();

    private Json() {
    }

    static String of(Object value) {
        return GSON.toJson(value);
    }
}
