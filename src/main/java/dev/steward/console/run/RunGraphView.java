package dev.steward.console.run;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;
import com.vaadin.flow.function.SerializableConsumer;
import elemental.json.JsonObject;

/**
 * The {@code <steward-run-graph>} element (frontend/src/run-graph/run-graph.ts) as a Vaadin component: graphs go in
 * as graph-v2 JSON text, selections and subflow toggles come back as the element's event details.
 */
@Tag("steward-run-graph")
@JsModule("./src/run-graph/run-graph.ts")
public class RunGraphView extends Component {
    /** Shows a graph-v2 document; {@code keepView} for a live update of the same run (pan and zoom stay). */
    public void setGraph(String graphJson, boolean keepView) {
        getElement().executeJs("this.setGraph(JSON.parse($0), $1)", graphJson, keepView);
    }

    /** The graph of a subflow node the user expanded. */
    public void setSubgraph(String nodeKey, String graphJson) {
        getElement().executeJs("this.setSubgraph($0, JSON.parse($1))", nodeKey, graphJson);
    }

    /** A live update of a subflow's graph, unless the user collapsed it in the meantime (on the element). */
    public void updateSubgraph(String nodeKey, String graphJson) {
        getElement().executeJs("if (this.hasSubgraph($0)) this.setSubgraph($0, JSON.parse($1))", nodeKey, graphJson);
    }

    /** "dependencies" or "timeline". */
    public void setLayout(String layout) {
        getElement().setAttribute("layout", layout);
    }

    /** Marks the nodes whose name contains the text; {@code hits} gets how many match. */
    public void search(String text, SerializableConsumer<Integer> hits) {
        getElement().executeJs("return this.search($0)", text).then(Integer.class, hits);
    }

    public void fit() {
        getElement().executeJs("this.fit()");
    }

    /** The element's {@code node-select} detail: key, kind, runId, label, state, start, end, upstream, counts. */
    public void onNodeSelect(SerializableConsumer<JsonObject> listener) {
        getElement().addEventListener("node-select", e -> listener.accept(e.getEventData().getObject("event.detail")))
                .addEventData("event.detail");
    }

    /** The element's {@code subflow-toggle} detail: the node's key and the subflow run's id. */
    public void onSubflowToggle(SerializableConsumer<JsonObject> listener) {
        getElement().addEventListener("subflow-toggle", e -> listener.accept(e.getEventData().getObject("event.detail")))
                .addEventData("event.detail");
    }
}
