package org.liveng.core.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.ProviderRegistry;
import org.liveng.api.Support;
import org.liveng.api.distro.BaseDistro;
import org.liveng.api.distro.DistroInfo;
import org.liveng.api.distro.DistroInspector;
import org.liveng.api.medium.Medium;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Opens ISO files with our ISO 9660 reader and hands them to the base distro providers. */
@Component(service = DistroInspector.class)
public final class IsoDistroInspector implements DistroInspector {
    private final ProviderRegistry registry;

    @Activate
    public IsoDistroInspector(@Reference ProviderRegistry registry) {
        this.registry = registry;
    }

    @Override
    public DistroInfo inspect(Path iso, String distroId) throws LivengException {
        try (Medium medium = IsoFiles.open(iso)) {
            List<BaseDistro> candidates = distroId == null ? registry.all(BaseDistro.class)
                    : List.of(registry.select(BaseDistro.class, distroId));
            if (candidates.isEmpty()) {
                throw new LivengException(ErrorCodes.ENVIRONMENT, "no base distro provider is installed",
                        "the product is incomplete: reinstall liveng");
            }
            List<String> refusals = new ArrayList<>();
            for (BaseDistro d : candidates) {
                Support s = d.recognize(medium);
                if (s.supported()) {
                    return d.inspect(medium);
                }
                refusals.add(d.id() + ": " + String.join(" ", s.reasons()));
            }
            throw new LivengException(ErrorCodes.UNSUPPORTED,
                    iso + " is not a live ISO that liveng knows:\n  - " + String.join("\n  - ", refusals),
                    "use a Debian live ISO (bookworm or trixie), or install a base distro provider for this one");
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, iso + ": " + e.getMessage(), null, e);
        }
    }
}
