package org.liveng.integration.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.Provider;
import org.liveng.api.ProviderRegistry;
import org.liveng.api.Support;
import org.liveng.api.distro.BaseDistro;
import org.liveng.api.distro.DistroInfo;
import org.liveng.api.medium.Medium;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/** Providers are Declarative Services components found by liveng.id; vendors add their own. */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class ProviderRegistryTest {

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    ProviderRegistry registry;

    @Test
    void debianLiveIsTheInstalledBaseDistro() throws LivengException {
        List<String> ids = registry.all(BaseDistro.class).stream().map(Provider::id).toList();
        assertTrue(ids.contains("debian-live"), "installed base distros: " + ids);
        assertEquals("debian-live", registry.select(BaseDistro.class, "debian-live").id());
    }

    @Test
    void unknownProviderIdFailListsTheInstalledIds() {
        LivengException e = assertThrows(LivengException.class, () -> registry.select(BaseDistro.class, "no-such-distro"));
        assertEquals(ErrorCodes.UNKNOWN_PROVIDER, e.code());
        assertTrue(e.getMessage().contains("'no-such-distro'"), e.getMessage());
        assertTrue(e.hint().contains("debian-live"), e.hint());
        assertEquals(2, e.exitStatus());
    }

    @Test
    void aVendorProviderRegisteredAtRunTimeIsSelectableAndGoesAway() throws LivengException {
        BaseDistro vendor = new BaseDistro() {
            @Override
            public String id() {
                return "vendor-test";
            }

            @Override
            public String description() {
                return "a vendor variant registered by the test";
            }

            @Override
            public Support recognize(Medium medium) {
                return Support.no("test provider recognises nothing");
            }

            @Override
            public DistroInfo inspect(Medium medium) throws LivengException {
                throw new LivengException(ErrorCodes.UNSUPPORTED, "test provider");
            }
        };
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Provider.PROPERTY_ID, "vendor-test");
        ServiceRegistration<BaseDistro> reg = context.registerService(BaseDistro.class, vendor, props);
        try {
            assertSame(vendor, registry.select(BaseDistro.class, "vendor-test"));
            assertEquals(List.of("debian-live", "vendor-test"),
                    registry.all(BaseDistro.class).stream().map(Provider::id).toList());
        } finally {
            reg.unregister();
        }
        assertThrows(LivengException.class, () -> registry.select(BaseDistro.class, "vendor-test"));
    }
}
