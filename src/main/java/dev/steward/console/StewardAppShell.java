package dev.steward.console;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.server.AppShellSettings;
import com.vaadin.flow.theme.Theme;
import com.vaadin.flow.shared.ui.Transport;

/**
 * The console's page shell. Server-to-client updates are pushed over a WebSocket; client-to-server messages go over
 * XHR ({@code WEBSOCKET_XHR}) so that each user action is an ordinary servlet request: the request scope, the OIDC
 * session and the request attributes of our authentication mechanism are all present while a view calls a service.
 * The theme {@code steward} ({@code frontend/themes/steward}) is Lumo with the console's state colours, light or dark.
 */
@Push(transport = Transport.WEBSOCKET_XHR)
@Theme("steward")
public class StewardAppShell implements AppShellConfigurator {
    public static final String TITLE = "Steward";

    @Override
    public void configurePage(AppShellSettings settings) {
        settings.setPageTitle(TITLE);
    }
}
