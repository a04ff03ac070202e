package dev.steward.console.artifacts;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;

/**
 * Markdown that any flow may write, made safe to show: rendered with commonmark (GitHub's tables included), then
 * cleaned by jsoup against an allow-list, so only the elements and attributes listed below reach the browser. Raw HTML
 * in the markdown goes through the same list: no script, iframe, form, style or event-handler attribute survives, and
 * links keep only http(s) and mailto addresses, images only http(s) (an image without one is dropped).
 *
 * <p>Images may also be {@code data:image/png|jpeg|gif|webp;base64,...}: flows embed plots that way, an {@code <img>}
 * never runs script, and these raster formats carry none (SVG can, so it is left out; so is every other data: type).
 */
public final class SafeMarkdown {
    private static final List<Extension> EXTENSIONS = List.of(TablesExtension.create());
    private static final Parser PARSER = Parser.builder().extensions(EXTENSIONS).build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder().extensions(EXTENSIONS).sanitizeUrls(true).build();
    private static final Pattern RASTER_DATA_IMAGE =
            Pattern.compile("^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\\s]+$", Pattern.CASE_INSENSITIVE);

    private SafeMarkdown() {}

    /** The allow-list: jsoup's "relaxed" (text, lists, tables, code, images, links; no style attribute) tightened. */
    static Safelist safelist() {
        return Safelist.relaxed()
                .addTags("hr", "del", "s")
                .addAttributes("th", "align")
                .addAttributes("td", "align")
                .removeProtocols("a", "href", "ftp")
                .addProtocols("img", "src", "data") // only raster images survive the check in html()
                .addEnforcedAttribute("a", "target", "_blank")
                .addEnforcedAttribute("a", "rel", "noopener noreferrer nofollow")
                .addEnforcedAttribute("img", "referrerpolicy", "no-referrer");
    }

    /** The markdown as sanitized HTML (a fragment, without a root element); empty for null. */
    public static String html(String markdown) {
        if (markdown == null || markdown.isEmpty()) return "";
        String rendered = RENDERER.render(PARSER.parse(markdown));
        Document clean = new Cleaner(safelist()).clean(Jsoup.parseBodyFragment(rendered));
        for (Element img : clean.select("img[src]")) {
            String src = img.attr("src");
            if (!isWebUrl(src) && !RASTER_DATA_IMAGE.matcher(src).matches()) img.remove();
        }
        clean.select("img:not([src])").remove(); // its address was not allowed: no broken image
        clean.outputSettings().prettyPrint(false);
        return clean.body().html();
    }

    /** Whether a link or image address may be shown as one: an absolute http or https URL with a host. */
    public static boolean isWebUrl(String url) {
        if (url == null) return false;
        try {
            URI uri = new URI(url.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
