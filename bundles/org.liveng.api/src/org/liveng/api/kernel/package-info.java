/**
 * The kernel update strategy extension point: kernel slots, how a new kernel gets onto the stick and which one boots.
 */
@org.osgi.annotation.versioning.Version("0.5.0")
package org.liveng.api.kernel;
