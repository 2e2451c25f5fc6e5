package org.liveng.shell.internal;

import java.nio.file.Path;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.liveng.api.LivengException;
import org.liveng.api.distro.DistroInfo;
import org.liveng.api.distro.DistroInspector;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code liveng:inspect}: what an upstream live ISO contains and whether liveng can use it. */
@Component(service = InspectCommand.class, property = {
        "osgi.command.scope=liveng",
        "osgi.command.function=inspect" })
public final class InspectCommand {
    private final DistroInspector inspector;

    @Activate
    public InspectCommand(@Reference DistroInspector inspector) {
        this.inspector = inspector;
    }

    @Descriptor("show what a live ISO contains: distro, release, kernels, initrd abilities (live-boot, cryptsetup), boot equipment")
    public Object inspect(
            @Descriptor("print machine-readable JSON instead of text")
            @Parameter(names = { "-j", "--json" }, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("use this base distro provider (liveng.id) instead of asking each installed one")
            @Parameter(names = { "-d", "--distro" }, absentValue = "") String distro,
            @Descriptor("the live ISO image file") String iso) throws LivengException {
        DistroInfo info = inspector.inspect(Path.of(iso), distro.isEmpty() ? null : distro);
        return json ? Json.of(info) : info;
    }
}
