package dev.steward.console.automations;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import dev.steward.automations.AutomationBacktest;
import dev.steward.console.Formats;

/**
 * A backtest's answer in the editor: how often the automation would have fired over the last 24 hours, then when and
 * on which event, newest last; and a note when the replay read only the first events of the span.
 */
class BacktestPanel extends VerticalLayout {
    private final Span summary = new Span();
    private final Span capped = new Span();
    private final Grid<AutomationBacktest.WouldFire> grid = new Grid<>();

    BacktestPanel() {
        setId("backtest");
        setPadding(false);
        setSpacing(false);
        summary.setId("backtest-summary");
        capped.setId("backtest-capped");
        capped.getStyle().set("color", "var(--lumo-warning-text-color, var(--lumo-error-text-color))");
        grid.setId("backtest-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(f -> Formats.instant(f.at())).setHeader("Would have fired (UTC)").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addComponentColumn(f -> TriggeringEvent.of(f.triggeringEvent())).setHeader("On the event").setFlexGrow(1);
        grid.setAllRowsVisible(true);
        H4 title = new H4("Backtest: the last 24 hours");
        title.getStyle().set("margin-top", "var(--lumo-space-m)");
        add(title, summary, capped, grid);
        setVisible(false);
    }

    void show(AutomationBacktest.Result result) {
        String span = Formats.minute(result.from()) + " to " + Formats.minute(result.to()) + " UTC, "
                + result.eventsReplayed() + (result.eventsReplayed() == 1 ? " event" : " events") + " replayed";
        summary.setText(result.firings() == 0 ? "It would not have fired (" + span + ")."
                : "It would have fired " + result.firings() + (result.firings() == 1 ? " time" : " times") + " ("
                + span + ")" + (result.firings() > result.listed().size() ? "; the first "
                + result.listed().size() + " are listed." : "."));
        capped.setText(result.capped() ? "Only the first " + result.eventsReplayed() + " events of the span were "
                + "replayed: it ends at the time of the next one." : "");
        capped.setVisible(result.capped());
        grid.setItems(result.listed());
        grid.setVisible(!result.listed().isEmpty());
        setVisible(true);
    }
}
