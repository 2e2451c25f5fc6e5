/**
 * Core vocabulary shared by all liveng services: the exception model, problem reports and provider identity.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liveng.api;
