package org.liveng.api.kernel;

import java.nio.file.Path;
import java.util.Map;

import org.liveng.api.LivengException;
import org.liveng.api.boot.BootState;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Kernel updates of a forged stick from the host (image file or whole-disk device), with the strategy the stick was
 * forged with (read from its plan on the ESP). Implemented by liveng's core.
 */
@ProviderType
public interface KernelUpdates {

    /** What the stick's kernel slots hold and its boot state. */
    StickStatus status(Path target) throws LivengException;

    /** Puts a new kernel on the stick with its strategy; refuses a device that is in use. */
    UpdateResult update(Path target, KernelImage kernel, boolean allowDowngrade) throws LivengException;

    /**
     * Puts a new kernel on the stick, signed first as the stick's Secure Boot chain requires ({@code mok} and
     * {@code custom-pk} re-sign it with the owner's key; {@code shim-distro} takes it as it is).
     *
     * @param keySettings where the owner's keys are on this machine, overriding what the stick's plan recorded at
     *        forge time: only {@code signing.keys}, {@code signing.mok-key}, {@code signing.db-key} and
     *        {@code signing.key-passphrase} (references, never secrets)
     */
    UpdateResult update(Path target, KernelImage kernel, boolean allowDowngrade, Map<String, String> keySettings)
            throws LivengException;

    /**
     * The stick the live system runs from: the whole disk holding the partition whose GPT name is
     * {@code LIVENG_SYSTEM}, found through the kernel's partition labels (never by partition number).
     *
     * @throws LivengException when the running system is not on a liveng stick
     * @since 0.4
     */
    Path runningStick() throws LivengException;

    /**
     * Puts a new kernel on the stick the live system runs from (the on-stick {@code kernel install}). The disk is in use
     * by design; it is written only when it is the disk the live system booted from and none of the partitions that get
     * written (kernel slots, ESP) is in use.
     *
     * @since 0.4
     */
    UpdateResult updateRunning(KernelImage kernel, boolean allowDowngrade) throws LivengException;

    /**
     * Marks the slot the live system booted as good on the stick it runs from, by the same rules as
     * {@link #updateRunning}.
     *
     * @param slotId the boot entry id from the kernel command line ({@code liveng.slot=b})
     * @since 0.4
     */
    BootState blessRunning(String slotId) throws LivengException;

    /**
     * Repairs a forged stick's kernel slots with its strategy ({@link KernelUpdateStrategy#repair}), taking the kernels
     * from a system root; refuses a device that is in use.
     *
     * @param root the root directory of the system whose {@code boot/} and {@code lib/modules/} hold the installed kernels
     * @param keySettings where the owner's keys are, as for {@link #update(Path, KernelImage, boolean, Map)}
     * @since 0.5
     */
    RepairResult repair(Path target, Path root, Map<String, String> keySettings) throws LivengException;

    /**
     * Repairs the kernel slots of the stick the live system runs from (the on-stick {@code kernel repair}, run at boot
     * from the fallback entry), by the same rules as {@link #updateRunning}.
     *
     * @param root the root directory holding the installed kernels ({@code /} on the stick)
     * @since 0.5
     */
    RepairResult repairRunning(Path root) throws LivengException;
}
