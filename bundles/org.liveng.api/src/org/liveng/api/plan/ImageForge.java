package org.liveng.api.plan;

import org.liveng.api.LivengException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Turns an upstream live ISO into a liveng image or device: plan, preflight,
 * execute, verify, manifest. Implemented by liveng's core.
 */
@ProviderType
public interface ImageForge {

    /** The plan, after every preflight check; writes nothing. */
    ImagePlan plan(ForgeRequest request) throws LivengException;

    /** Plans, writes, reads back and verifies, writes the manifest. */
    ForgeResult forge(ForgeRequest request, Progress progress) throws LivengException;
}
