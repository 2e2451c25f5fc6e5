package org.liveng.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Looks up the installed providers of each extension point by {@code liveng.id}.
 */
@ProviderType
public interface ProviderRegistry {
    /**
     * The provider of the given type with the given id.
     *
     * @throws LivengException with code {@link ErrorCodes#UNKNOWN_PROVIDER}
     *         listing the ids that are installed, when none has that id
     */
    <T extends Provider> T select(Class<T> type, String id) throws LivengException;

    /** All installed providers of a type, sorted by id. */
    <T extends Provider> List<T> all(Class<T> type);
}
