package org.liveng.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What every swappable liveng service has in common: an id a recipe selects it
 * by, and a one-line description for listings.
 *
 * <p>Implementations register their service with the property
 * {@value #PROPERTY_ID} set to {@link #id()}.
 */
@ConsumerType
public interface Provider {
    /** The service property carrying the provider id. */
    String PROPERTY_ID = "liveng.id";

    /** Stable id, lower case with dashes, e.g. {@code debian-live}, {@code luks2}. */
    String id();

    /** One line for listings. */
    String description();
}
