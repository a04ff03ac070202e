package dev.steward.console.automations;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.router.RouterLink;
import dev.steward.console.Formats;
import dev.steward.console.run.FlowRunView;
import dev.steward.platform.UuidParameters;
import jakarta.json.JsonObject;
import java.util.Optional;
import java.util.UUID;

/**
 * How the firing history and the backtest show the event that fired an automation: a link to the flow run's page
 * when the event is about a flow run, and the event itself (Prefect's JSON) in a dialog, for any event.
 */
final class TriggeringEvent {
    private static final String FLOW_RUN = "prefect.flow-run.";

    private TriggeringEvent() {}

    /** The event's name and resource, with its links; "No event" for a firing without one (a proactive trigger's). */
    static Component of(JsonObject event) {
        if (event == null) {
            Span none = new Span("No event (nothing came in time)");
            none.getStyle().set("color", "var(--lumo-secondary-text-color)");
            return none;
        }
        JsonObject resource = event.getJsonObject("resource");
        String resourceId = resource.getString("prefect.resource.id", "");
        String label = event.getString("event") + " · " + resource.getString("prefect.resource.name", resourceId);
        Button json = new Button("JSON", e -> open(event));
        json.addClassName("event-json-button");
        json.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE, ButtonVariant.LUMO_SMALL);
        json.setAriaLabel("Show the event " + event.getString("id"));
        Optional<UUID> run = resourceId.startsWith(FLOW_RUN)
                ? UuidParameters.parse(resourceId.substring(FLOW_RUN.length())) : Optional.empty();
        Component name;
        if (run.isPresent()) {
            RouterLink link = new RouterLink(label, FlowRunView.class, new RouteParameters("id", run.get().toString()));
            link.addClassName("event-run-link");
            name = link;
        } else {
            name = new Span(label);
        }
        HorizontalLayout row = new HorizontalLayout(name, json);
        row.setSpacing(true);
        row.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        return row;
    }

    /** The event as Prefect's JSON, in a dialog. */
    static void open(JsonObject event) {
        Dialog dialog = new Dialog();
        dialog.setId("event-dialog");
        dialog.setHeaderTitle(event.getString("event"));
        Pre pre = new Pre(Formats.json(event));
        pre.setId("event-json");
        pre.getStyle().set("max-height", "60vh").set("overflow", "auto").set("margin", "0");
        dialog.add(pre);
        Button close = new Button("Close", e -> dialog.close());
        close.setId("close-event");
        dialog.getFooter().add(close);
        dialog.setWidth("48rem");
        dialog.open();
    }
}
