package dev.steward.console.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/** What survives of a markdown artifact on its way to the browser (SafeMarkdown). */
class SafeMarkdownTest {
    private static final String PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    @Test
    void rendersHeadingsTablesListsAndCode() {
        String html = SafeMarkdown.html("""
                # Report

                | name | count |
                |:-----|------:|
                | a    | 1     |

                - one
                - **two**

                `code` and ~~not~~ <del>gone</del>
                """);
        Element body = Jsoup.parseBodyFragment(html).body();
        assertEquals("Report", body.selectFirst("h1").text());
        assertEquals("a", body.selectFirst("table tbody td").text());
        assertEquals("right", body.select("table th").get(1).attr("align"));
        assertEquals(2, body.select("ul li").size());
        assertEquals("two", body.selectFirst("li strong").text());
        assertEquals("code", body.selectFirst("code").text());
        assertEquals("gone", body.selectFirst("del").text());
    }

    @Test
    void dropsScriptsIframesAndEventHandlers() {
        String html = SafeMarkdown.html("""
                # Hello

                <script>window.__xss=1</script>

                <img src=x onerror="window.__xss=2">

                <iframe src="https://example.com"></iframe>

                <p style="background:url(https://evil.example/x.png)" onclick="alert(1)">styled</p>

                <svg onload="alert(1)"><a href="javascript:alert(1)">svg</a></svg>

                <form action="https://evil.example"><input name="q"></form>
                """);
        String lower = html.toLowerCase(Locale.ROOT);
        for (String banned : new String[] {"<script", "<iframe", "onerror", "onclick", "onload", "style=", "<svg",
                "<form", "<input", "javascript:", "__xss=1"}) {
            assertFalse(lower.contains(banned), banned + " survived in: " + html);
        }
        assertTrue(html.contains("styled"), html);
        assertTrue(html.contains("<h1>Hello</h1>"), html);
        assertFalse(html.contains("<img"), "an image whose address was dropped is dropped: " + html);
    }

    @Test
    void linksKeepOnlyWebAddressesAndOpenSafely() {
        Element body = Jsoup.parseBodyFragment(SafeMarkdown.html("""
                [click](javascript:window.__xss=3) [js2](JaVaScRiPt:alert(1)) [tab](java&#09;script:alert(1))
                [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [vb](vbscript:msgbox)
                [rel](/flow-runs/x) [ftp](ftp://example.com/f) <a href="javascript:alert(1)">raw</a>
                [ok](https://example.com/a?b=1) [mail](mailto:ops@example.com)
                """)).body();
        for (Element a : body.select("a")) {
            String href = a.attr("href");
            assertTrue(href.isEmpty() || href.startsWith("https://") || href.startsWith("mailto:"),
                    a.text() + " kept " + href);
            assertEquals("_blank", a.attr("target"));
            assertEquals("noopener noreferrer nofollow", a.attr("rel"));
        }
        assertEquals("https://example.com/a?b=1", body.selectFirst("a:contains(ok)").attr("href"));
        assertEquals("mailto:ops@example.com", body.selectFirst("a:contains(mail)").attr("href"));
        assertEquals("click", body.selectFirst("a:contains(click)").text());
    }

    @Test
    void imagesKeepWebAddressesAndRasterDataOnly() {
        Element body = Jsoup.parseBodyFragment(SafeMarkdown.html(
                "![web](https://example.com/p.png) ![png](" + PNG + ") "
                        + "![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+) "
                        + "![js](javascript:alert(1)) ![html](data:text/html,hi)")).body();
        assertEquals("https://example.com/p.png", body.selectFirst("img[alt=web]").attr("src"));
        assertEquals("no-referrer", body.selectFirst("img[alt=web]").attr("referrerpolicy"));
        assertEquals(PNG, body.selectFirst("img[alt=png]").attr("src"));
        assertEquals(2, body.select("img").size(), "the svg, javascript: and text/html images are dropped: " + body);
    }

    @Test
    void emptyOrMissingMarkdownIsEmpty() {
        assertEquals("", SafeMarkdown.html(null));
        assertEquals("", SafeMarkdown.html(""));
    }

    @Test
    void webUrlsAreAbsoluteHttpOrHttpsWithAHost() {
        assertTrue(SafeMarkdown.isWebUrl("https://example.com/x.png"));
        assertTrue(SafeMarkdown.isWebUrl("HTTP://127.0.0.1:8080/a"));
        assertFalse(SafeMarkdown.isWebUrl("javascript:alert(1)"));
        assertFalse(SafeMarkdown.isWebUrl(" javascript:alert(1)"));
        assertFalse(SafeMarkdown.isWebUrl("data:image/png;base64,AAAA"));
        assertFalse(SafeMarkdown.isWebUrl("//example.com/x"));
        assertFalse(SafeMarkdown.isWebUrl("/flow-runs/1"));
        assertFalse(SafeMarkdown.isWebUrl("https:///nohost"));
        assertFalse(SafeMarkdown.isWebUrl(null));
    }
}
