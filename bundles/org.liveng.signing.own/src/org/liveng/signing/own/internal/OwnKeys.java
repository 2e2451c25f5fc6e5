package org.liveng.signing.own.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.Secret;
import org.liveng.api.keys.KeySource;
import org.liveng.api.keys.SigningKey;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.RecipeSettings;
import org.liveng.api.recipe.Setting;
import org.liveng.keys.KeyDirectory;
import org.liveng.keys.KeyFiles;
import org.liveng.keys.SecretReferences;

/**
 * Opens the owner's keys a recipe names: {@code signing.db-key} / {@code signing.mok-key} when set,
 * else the key of that name in the {@code signing.keys} folder ({@code NAME.key} or the token URI in
 * {@code NAME.pkcs11}); certificates come from the folder's {@code NAME.crt} (or beside a key file).
 * The passphrase or PIN ({@code signing.key-passphrase}) is asked only when a key needs it.
 */
final class OwnKeys {
    private final List<KeySource> sources;
    private final Recipe recipe;
    private final KeyDirectory folder;

    OwnKeys(List<KeySource> sources, Recipe recipe) {
        this.sources = List.copyOf(sources);
        this.recipe = recipe;
        String dir = recipe.get(RecipeSettings.SIGNING_KEYS);
        this.folder = new KeyDirectory(dir == null || dir.isEmpty() ? KeyDirectory.defaultLocation() : Path.of(dir));
    }

    KeyDirectory folder() {
        return folder;
    }

    /** The key of {@code setting} (may be null: folder only), defaulting to {@code name} in the key folder. */
    SigningKey open(Setting setting, String name) throws LivengException {
        String given = setting == null ? "" : recipe.get(setting);
        String ref = given == null || given.isEmpty() ? folder.keyReference(name) : given;
        String cert = null;
        if (given == null || given.isEmpty() || ref.startsWith("pkcs11:")) {
            Path c = folder.certificateFile(name);
            if (Files.isRegularFile(c)) {
                cert = c.toString();
            } else if (given == null || given.isEmpty()) {
                throw new LivengException(ErrorCodes.NOT_FOUND, "no " + name + " key in " + folder.path(),
                        "'liveng keys create --dir " + folder.path() + " " + name + "' makes one, or set "
                                + (setting == null ? RecipeSettings.SIGNING_KEYS.name() : setting.name()));
            }
        }
        KeySource source = null;
        for (KeySource s : sources) {
            if (s.handles(ref)) {
                source = s;
                break;
            }
        }
        if (source == null) {
            throw new LivengException(ErrorCodes.UNKNOWN_PROVIDER, "no key source handles " + ref + "; installed: "
                    + sources.stream().map(KeySource::id).collect(Collectors.joining(", ")), "use file:PATH or pkcs11:URI");
        }
        boolean needsSecret = ref.startsWith("pkcs11:") || KeyFiles.isEncrypted(Path.of(ref.replaceFirst("^file:", "")));
        try (Secret secret = needsSecret ? SecretReferences.resolve(recipe.get(RecipeSettings.SIGNING_KEY_PASSPHRASE),
                (ref.startsWith("pkcs11:") ? "PIN of the token of " : "passphrase of ") + name) : null) {
            return source.open(ref, cert, secret);
        }
    }
}
