/**
 * The persistence encryption extension point: how the persistence filesystem is protected.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package org.liveng.api.crypt;
