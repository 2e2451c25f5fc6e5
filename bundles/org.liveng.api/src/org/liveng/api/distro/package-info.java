/**
 * The base distro extension point: recognising and analysing an upstream live ISO.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package org.liveng.api.distro;
