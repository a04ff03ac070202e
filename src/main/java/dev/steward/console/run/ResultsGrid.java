package dev.steward.console.run;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Span;

/** The results of a run: which run wrote each, its type, where it is persisted and a preview of small values. */
class ResultsGrid extends Grid<ResultsGrid.Row> {
    /** A result; {@code link} is the writer's page (null for the run on screen). */
    record Row(String writer, String link, String taskKey, ResultPreviews.Described described) {}

    ResultsGrid(String id) {
        setId(id);
        addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT);
        addComponentColumn(r -> r.link() == null ? new Span(r.writer()) : new Anchor(r.link(), r.writer()))
                .setHeader("Written by").setAutoWidth(true).setFlexGrow(0);
        addColumn(r -> r.taskKey() == null ? "" : r.taskKey()).setHeader("Task").setAutoWidth(true).setFlexGrow(0);
        addColumn(r -> r.described().type()).setHeader("Type").setAutoWidth(true).setFlexGrow(0);
        addColumn(r -> r.described().storage()).setHeader("Persisted in").setFlexGrow(1)
                .setTooltipGenerator(r -> r.described().storage());
        addColumn(r -> r.described().preview()).setHeader("Preview").setFlexGrow(1);
        setEmptyStateText("No results: this run's states carry no result data (results are persisted with "
                + "persist_result=True or a result storage)");
        setPageSize(100);
        setSizeFull();
        setMinHeight("400px");
    }
}
