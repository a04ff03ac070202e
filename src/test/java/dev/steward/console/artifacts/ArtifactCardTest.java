package dev.steward.console.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Html;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.progressbar.ProgressBar;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** How a card renders each Prefect artifact type from the data as the server stores it (compact JSON text). */
class ArtifactCardTest {
    private static final UUID ID = UUID.randomUUID();
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    private static ArtifactRow row(String type, String data, String description, Instant updated) {
        return new ArtifactRow(ID, "k", type, description, data, UUID.randomUUID(), null, T0, updated);
    }

    private static <T extends Component> List<T> find(Component root, Class<T> type) {
        return descendants(root).filter(type::isInstance).map(type::cast).toList();
    }

    private static Stream<Component> descendants(Component c) {
        return Stream.concat(Stream.of(c), c.getChildren().flatMap(ArtifactCardTest::descendants));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, String>> items(Grid<?> grid) {
        return ((Grid<Map<String, String>>) grid).getListDataView().getItems().toList();
    }

    @Test
    void tablesOfEveryPrefectShapeBecomeGrids() {
        // as Prefect's client sends them: the table JSON-encoded in a string
        Grid<?> listOfDicts = find(new ArtifactCard(row("table",
                "\"[{\\\"a\\\": 1, \\\"b\\\": \\\"x\\\"}, {\\\"a\\\": 2, \\\"c\\\": null}]\"", null, T0), false, false),
                Grid.class).get(0);
        assertEquals(List.of("a", "b", "c"), listOfDicts.getColumns().stream().map(Grid.Column::getHeaderText).toList());
        assertEquals(List.of(Map.of("a", "1", "b", "x"), Map.of("a", "2", "c", "")), items(listOfDicts));

        Grid<?> dictOfLists = find(new ArtifactCard(row("table", "\"{\\\"m\\\": [\\\"p\\\", \\\"q\\\"], \\\"v\\\": [1.5]}\"",
                null, T0), false, false), Grid.class).get(0);
        assertEquals(List.of("m", "v"), dictOfLists.getColumns().stream().map(Grid.Column::getHeaderText).toList());
        assertEquals(List.of(Map.of("m", "p", "v", "1.5"), Map.of("m", "q")), items(dictOfLists));

        Grid<?> listOfLists = find(new ArtifactCard(row("table", "[[1, 2], [3]]", null, T0), false, false),
                Grid.class).get(0);
        assertEquals(List.of("0", "1"), listOfLists.getColumns().stream().map(Grid.Column::getHeaderText).toList());
    }

    @Test
    void imagesOnlyForWebAddresses() {
        Image img = find(new ArtifactCard(row("image", "\"https://example.com/c.png\"", null, T0), false, false),
                Image.class).get(0);
        assertEquals("https://example.com/c.png", img.getSrc());
        assertEquals("no-referrer", img.getElement().getAttribute("referrerpolicy"));
        assertTrue(find(new ArtifactCard(row("image", "\"javascript:alert(1)\"", null, T0), false, false), Image.class)
                .isEmpty());
    }

    @Test
    void markdownAndDescriptionsAreSanitized() {
        ArtifactCard card = new ArtifactCard(row("markdown", "\"# Hi\\n\\n<script>alert(1)</script>\"",
                "<img src=x onerror=alert(2)>**bold**", T0), false, false);
        List<String> html = find(card, Html.class).stream().map(h -> h.getElement().getProperty("innerHTML")).toList();
        assertEquals(2, html.size());
        assertTrue(html.stream().anyMatch(h -> h.contains("<strong>bold</strong>")), html.toString());
        assertTrue(html.stream().anyMatch(h -> h.contains("<h1>Hi</h1>")), html.toString());
        assertFalse(html.stream().anyMatch(h -> h.contains("script") || h.contains("onerror")), html.toString());
    }

    @Test
    void progressIsClampedAndMovesInPlace() {
        ArtifactCard card = new ArtifactCard(row("progress", "20.0", "d", T0), false, false);
        ProgressBar bar = find(card, ProgressBar.class).get(0);
        assertEquals(20.0, bar.getValue());
        card.show(row("progress", "150", "d", T0.plusSeconds(1)));
        assertSame(bar, find(card, ProgressBar.class).get(0), "the same bar moved");
        assertEquals(100.0, bar.getValue());
        card.show(row("progress", null, "d", T0.plusSeconds(2)));
        assertEquals(0.0, bar.getValue());
        card.show(row("progress", "50", "a new description", T0.plusSeconds(3)));
        assertEquals(50.0, find(card, ProgressBar.class).get(0).getValue(), "rebuilt with its new description");
    }
}
