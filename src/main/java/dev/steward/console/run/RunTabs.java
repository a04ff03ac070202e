package dev.steward.console.run;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.tabs.Tab;
import com.vaadin.flow.component.tabs.Tabs;
import com.vaadin.flow.router.BeforeEnterEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The tabs of a run page, each with its deep link ({@code <base>/<tab>}, or {@code <base>?tab=<tab>} as pasted): the
 * address follows the selected tab without a navigation, and a tab's content is built the first time it is shown.
 */
class RunTabs extends Div {
    private final String base;
    private final Tabs tabs = new Tabs();
    private final Div content = new Div();
    private final Map<String, Tab> byName = new LinkedHashMap<>();
    private final Map<String, Supplier<Component>> builders = new LinkedHashMap<>();
    private final Map<String, Component> built = new LinkedHashMap<>();

    /** @param base the page's route, e.g. flow-runs/{id} */
    RunTabs(String base) {
        this.base = base;
        tabs.setId("run-tabs");
        content.setId("run-tab-content");
        content.setSizeFull();
        setSizeFull();
        getStyle().set("display", "flex").set("flex-direction", "column");
        add(tabs, content);
        tabs.addSelectedChangeListener(e -> {
            if (e.getSelectedTab() != null) show(nameOf(e.getSelectedTab()), e.isFromClient());
        });
    }

    void add(String name, String label, Supplier<Component> builder) {
        Tab tab = new Tab(label);
        tab.setId("tab-" + name);
        byName.put(name, tab);
        builders.put(name, builder);
        tabs.add(tab);
    }

    /** The tab a deep link asks for: the route's {@code tab} parameter, else {@code ?tab=}, else the first. */
    static String requested(BeforeEnterEvent event) {
        return event.getRouteParameters().get("tab")
                .or(() -> event.getLocation().getQueryParameters().getSingleParameter("tab"))
                .orElse(null);
    }

    void select(String name) {
        String chosen = name != null && byName.containsKey(name) ? name : byName.keySet().iterator().next();
        if (tabs.getSelectedTab() == byName.get(chosen)) show(chosen, false);
        else tabs.setSelectedTab(byName.get(chosen));
    }

    /** The built content of a tab, or null while it has not been shown. */
    @SuppressWarnings("unchecked")
    <T extends Component> T builtOf(String name) {
        return (T) built.get(name);
    }

    /** Built tabs stay in the page, hidden while not selected: the graph element keeps its graph and view. */
    private void show(String name, boolean fromClient) {
        Component shown = built.computeIfAbsent(name, n -> {
            Component c = builders.get(n).get();
            content.add(c);
            return c;
        });
        built.values().forEach(c -> c.setVisible(c == shown));
        if (fromClient) {
            UI.getCurrent().getPage().getHistory().replaceState(null, base + "/" + name);
        }
    }

    private String nameOf(Tab tab) {
        return byName.entrySet().stream().filter(e -> e.getValue() == tab).map(Map.Entry::getKey).findFirst()
                .orElseThrow();
    }
}
