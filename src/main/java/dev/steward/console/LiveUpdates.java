package dev.steward.console;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.server.Command;
import com.vaadin.flow.shared.Registration;
import dev.steward.events.EventBus;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Feeds a view's refresh from the workspace's committed events ({@link EventBus}, after commit, from any instance)
 * through Vaadin Push. The bus calls listeners on its one Redis subscription thread, so the refresh is handed to a
 * managed executor, and a burst of events while a refresh is pending costs a single refresh.
 *
 * <p>The refresh runs outside any HTTP request: views' data callbacks must not depend on the request scope (they use
 * {@link ConsoleWorkspaces#call}, which falls back to the user remembered in the session).
 */
@ApplicationScoped
public class LiveUpdates {
    private static final Logger LOG = Logger.getLogger(LiveUpdates.class.getName());

    @Inject
    EventBus bus;

    @Resource
    ManagedExecutorService executor;

    /**
     * Calls {@code refresh} in {@code ui} whenever an event whose name starts with {@code eventPrefix} (for example
     * {@code prefect.variable.}) is committed in the workspace. Remove the registration on detach.
     */
    public Registration subscribe(UI ui, UUID workspaceId, String eventPrefix, Command refresh) {
        AtomicBoolean pending = new AtomicBoolean();
        EventBus.Registration registration = bus.listen(workspaceId, event -> {
            if (!event.getString("event", "").startsWith(eventPrefix) || !pending.compareAndSet(false, true)) {
                return;
            }
            try {
                executor.execute(() -> {
                    try {
                        ui.access(() -> {
                            pending.set(false);
                            refresh.execute();
                        });
                    } catch (UIDetachedException e) {
                        pending.set(false);
                    }
                });
            } catch (RejectedExecutionException e) {
                pending.set(false);
                LOG.log(Level.FINE, "Live update dropped", e);
            }
        });
        return registration::close;
    }
}
