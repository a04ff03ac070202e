package dev.steward.platform;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one place that says where a request came from (the audit trail's origin). {@code steward.trusted-proxies}
 * ({@code STEWARD_TRUSTED_PROXIES}) lists the proxies whose {@code X-Forwarded-For} is believed; unset, nobody's is.
 */
@ApplicationScoped
public class ClientAddresses {
    private static final Logger LOG = Logger.getLogger(ClientAddresses.class.getName());

    @Inject
    @ConfigProperty(name = "steward.trusted-proxies")
    Optional<String> setting;

    private TrustedProxies proxies;

    @PostConstruct
    void init() {
        try {
            proxies = TrustedProxies.parse(setting.orElse(""));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("steward.trusted-proxies (STEWARD_TRUSTED_PROXIES): " + e.getMessage(), e);
        }
        if (!proxies.isEmpty()) {
            LOG.info("X-Forwarded-For is believed from " + setting.orElse(""));
        }
    }

    /** Observing the start creates the bean at deployment, so a mistyped CIDR fails the start, not every request. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // nothing more: init() has parsed the setting
    }

    /** The client's address: the peer, or behind trusted proxies the client they forwarded for. */
    public String of(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        if (proxies.isEmpty()) {
            return peer;
        }
        List<String> forwarded = Collections.list(request.getHeaders("X-Forwarded-For"));
        return proxies.clientAddress(peer, forwarded);
    }
}
