package org.liveng.core.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.Provider;
import org.liveng.api.ProviderRegistry;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@link ProviderRegistry} over the OSGi service registry: a provider is a
 * service of the extension point's interface with the {@code liveng.id}
 * property. Looked up on each call, so providers can come and go.
 */
@Component(service = ProviderRegistry.class)
public final class ServiceProviderRegistry implements ProviderRegistry {
    private final BundleContext context;

    @Activate
    public ServiceProviderRegistry(BundleContext context) {
        this.context = context;
    }

    @Override
    public <T extends Provider> T select(Class<T> type, String id) throws LivengException {
        for (T p : all(type)) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        List<String> ids = all(type).stream().map(Provider::id).toList();
        throw new LivengException(ErrorCodes.UNKNOWN_PROVIDER,
                "no " + type.getSimpleName() + " provider with id '" + id + "' is installed",
                ids.isEmpty() ? "no " + type.getSimpleName() + " provider is installed at all"
                        : "installed: " + String.join(", ", ids));
    }

    @Override
    public <T extends Provider> List<T> all(Class<T> type) {
        Collection<ServiceReference<T>> refs;
        try {
            refs = context.getServiceReferences(type, "(" + Provider.PROPERTY_ID + "=*)");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<T> result = new ArrayList<>();
        for (ServiceReference<T> r : refs) {
            T service = context.getService(r);
            if (service != null) {
                result.add(service);
            }
        }
        result.sort(Comparator.comparing(Provider::id));
        return result;
    }
}
