package dev.steward.automations;

import dev.steward.automations.OutboundCalls.Result;
import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each notification block and the Webhook block send, as a real HTTP server on 127.0.0.1 receives it. */
class NotificationsTest {
    static final String TOKEN = "B0T7oken4Secret";

    Receiver receiver;
    /** The receiver is on loopback, so the operator's flag is on; one test turns it off. */
    Notifications notifications = new Notifications(new OutboundCalls(true, Duration.ofSeconds(2)));

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    static JsonObject json(String text) {
        return Json.parseObject(text);
    }

    static JsonObject data(Map<String, ?> fields) {
        return Json.createObjectBuilder(fields).build();
    }

    @Test
    void slackGetsItsIncomingWebhookJson() throws Exception {
        String url = receiver.url("/services/T000/B000/" + TOKEN);
        Result r = notifications.notify("slack-webhook", data(Map.of("url", url, "notify_type", "info")),
                "Flow run failed", "Flow run happy-cat entered Failed");
        assertNull(r.failure());
        assertEquals(200, r.status());
        Receiver.Received got = receiver.next();
        assertEquals("POST", got.method());
        assertEquals("/services/T000/B000/" + TOKEN, got.path());
        assertEquals("application/json", got.header("Content-Type"));
        assertEquals("Prefect Notifications", got.header("User-Agent"));
        assertEquals(json("{\"text\": \"Flow run failed\\nFlow run happy-cat entered Failed\"}"), json(got.body()));
    }

    @Test
    void slackAnsweringAnErrorFailsWithoutNamingTheUrl() throws Exception {
        receiver.answer(new Receiver.Answer(403, "invalid_token", 0));
        Result r = notifications.notify("slack-webhook", data(Map.of("url", receiver.url("/services/" + TOKEN))),
                "s", "b");
        assertEquals("webhook answered HTTP 403", r.failure());
        assertEquals("invalid_token", r.body());
        assertFalse(r.failure().contains(TOKEN));
    }

    @Test
    void teamsGetsApprisesAdaptiveCard() throws Exception {
        receiver.answer(new Receiver.Answer(202, "", 0));
        String url = receiver.url("/workflows/wf1/triggers/manual/paths/invoke?api-version=2016-06-01&sig=" + TOKEN);
        Result r = notifications.notify("ms-teams-webhook",
                data(Map.of("url", url, "include_image", true, "wrap", false, "notify_type", "failure")),
                "Subject line", "Body text");
        assertNull(r.failure());
        assertEquals(202, r.status());
        Receiver.Received got = receiver.next();
        assertEquals("/workflows/wf1/triggers/manual/paths/invoke", got.path());
        assertEquals("api-version=2016-06-01&sig=" + TOKEN, got.query());
        assertEquals("application/json", got.header("Content-Type"));
        assertEquals(json("""
                {"type": "message", "attachments": [{
                  "contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": null,
                  "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                      {"type": "Image",
                       "url": "https://github.com/caronc/apprise/raw/master/apprise/assets/themes/default/apprise-failure-32x32.png",
                       "height": "32px", "altText": "failure"},
                      {"type": "TextBlock", "text": "Subject line", "style": "heading", "weight": "Bolder",
                       "size": "Large", "id": "title"},
                      {"type": "TextBlock", "text": "Body text", "style": "default", "wrap": false, "id": "body"}],
                    "msteams": {"width": "full"}}}]}"""), json(got.body()));
    }

    @Test
    void teamsWithoutImageAndAnsweringAnErrorFails() throws Exception {
        receiver.answer(new Receiver.Answer(400, "bad", 0));
        Result r = notifications.notify("ms-teams-webhook",
                data(Map.of("url", receiver.url("/workflows/x?sig=" + TOKEN), "include_image", false)), "S", "B");
        assertEquals("webhook answered HTTP 400", r.failure());
        JsonObject sent = json(receiver.next().body());
        var body = sent.getJsonArray("attachments").getJsonObject(0).getJsonObject("content").getJsonArray("body");
        assertEquals(2, body.size());
        assertEquals("TextBlock", body.getJsonObject(0).getString("type"));
        assertTrue(body.getJsonObject(1).getBoolean("wrap"), "wrap defaults to true");
    }

    @Test
    void customWebhookSubstitutesSubjectBodyNameAndSecretsEverywhere() throws Exception {
        JsonObject data = json("""
                {"name": "ops-hook", "url": "%s", "method": "PUT",
                 "params": {"channel": "{{name}}", "key": "{{apiKey}}"},
                 "json_data": {"text": "{{subject}}\\n{{body}}", "title": "{{ name }}", "token": "{{apiKey}}",
                               "count": "{{limit}}", "flag": true, "items": ["{{subject}}", 3]},
                 "form_data": null,
                 "headers": {"X-Api-Key": "key {{apiKey}}", "User-Agent": "ops/1"},
                 "cookies": {"session": "{{apiKey}}"},
                 "timeout": 10, "allow_private_urls": true,
                 "secrets": {"apiKey": "%s", "limit": 5}}
                """.formatted(receiver.url("/hooks/{{apiKey}}?x=1"), TOKEN));
        Result r = notifications.notify("custom-webhook", data, "Deploy done", "All good");
        assertNull(r.failure());
        Receiver.Received got = receiver.next();
        assertEquals("PUT", got.method());
        assertEquals("/hooks/" + TOKEN, got.path());
        assertEquals("x=1&channel=ops-hook&key=" + TOKEN, got.query());
        assertEquals("key " + TOKEN, got.header("X-Api-Key"));
        assertEquals("ops/1", got.header("User-Agent"));
        assertEquals("session=" + TOKEN, got.header("Cookie"));
        assertEquals("application/json", got.header("Content-Type"));
        assertEquals(json("""
                {"text": "Deploy done\\nAll good", "title": "ops-hook", "token": "%s", "count": 5, "flag": true,
                 "items": ["Deploy done", 3]}""".formatted(TOKEN)), json(got.body()));
    }

    @Test
    void customWebhookFormDataAsFieldsOrRawText() throws Exception {
        JsonObject fields = json("""
                {"name": "n", "url": "%s", "form_data": {"msg": "{{subject}}: {{body}}", "ok": true}}
                """.formatted(receiver.url("/form")));
        assertNull(notifications.notify("custom-webhook", fields, "a b", "c&d").failure());
        Receiver.Received got = receiver.next();
        assertEquals("POST", got.method());
        assertEquals("application/x-www-form-urlencoded", got.header("Content-Type"));
        assertEquals("msg=a+b%3A+c%26d&ok=true", got.body());
        assertEquals("Prefect Notifications", got.header("User-Agent"));

        JsonObject raw = json("""
                {"name": "n", "url": "%s", "form_data": "<{{subject}}>{{body}}</{{subject}}>"}
                """.formatted(receiver.url("/raw")));
        assertNull(notifications.notify("custom-webhook", raw, "s", "b").failure());
        got = receiver.next();
        assertEquals("<s>b</s>", got.body());
        assertNull(got.header("Content-Type"));
    }

    @Test
    void customWebhookRefusesPlaceholdersItHasNoValueFor() throws Exception {
        for (String template : new String[] {"{{$HOME}}", "{{other}}", "{{prefect.variables.x}}"}) {
            JsonObject data = json("""
                    {"name": "n", "url": "%s", "json_data": {"t": "%s"}, "secrets": {"k": "v"}}
                    """.formatted(receiver.url("/x"), template));
            Result r = notifications.notify("custom-webhook", data, "s", "b");
            assertEquals("the custom webhook block's templates name a value other than subject, body, name or one of "
                    + "its secrets", r.failure(), template);
        }
        assertTrue(receiver.nothingReceived());
    }

    @Test
    void customWebhookWithBothBodiesOrAnErrorAnswerFails() throws Exception {
        JsonObject both = json("""
                {"name": "n", "url": "%s", "json_data": {"a": 1}, "form_data": {"b": "2"}}
                """.formatted(receiver.url("/x")));
        assertEquals("the custom webhook block has both JSON data and form data",
                notifications.notify("custom-webhook", both, "s", "b").failure());
        assertTrue(receiver.nothingReceived());

        receiver.answer(new Receiver.Answer(404, "nope", 0));
        JsonObject data = json("{\"name\": \"n\", \"url\": \"%s\"}".formatted(receiver.url("/x/" + TOKEN)));
        Result r = notifications.notify("custom-webhook", data, "s", "b");
        assertEquals("webhook answered HTTP 404", r.failure());
        assertEquals(404, r.status());
    }

    @Test
    void otherBlockTypesAreUnsupported() throws Exception {
        JsonObject data = data(Map.of("url", receiver.url("/x")));
        for (String slug : new String[] {"webhook", "pager-duty-webhook", "discord-webhook", "", null}) {
            assertEquals("unsupported notification block type", notifications.notify(slug, data, "s", "b").failure());
        }
        assertTrue(receiver.nothingReceived());
    }

    @Test
    void theWebhookBlockSendsThePayloadAsItsRawBodyWithItsHeaders() throws Exception {
        JsonObject data = json("""
                {"method": "PATCH", "url": "%s", "headers": {"Authorization": "Bearer %s", "X-N": "1"},
                 "allow_private_urls": true, "verify": true}""".formatted(receiver.url("/hook"), TOKEN));
        Result r = notifications.callWebhook(data, "{\"flow\": \"etl\"}", null);
        assertNull(r.failure());
        Receiver.Received got = receiver.next();
        assertEquals("PATCH", got.method());
        assertEquals("{\"flow\": \"etl\"}", got.body());
        assertEquals("Bearer " + TOKEN, got.header("Authorization"));
        assertNull(got.header("Content-Type"), "Prefect sends the rendered payload as content, with no type of its own");

        assertNull(got.header("Idempotency-Key"), "none asked for");

        notifications.callWebhook(json("{\"url\": \"%s\"}".formatted(receiver.url("/text"))), "not json {", "run-1");
        got = receiver.next();
        assertEquals("POST", got.method(), "POST by default");
        assertEquals("not json {", got.body());
        assertEquals("run-1", got.header("Idempotency-Key"), "the action run's id, the same on every attempt");
    }

    @Test
    void theWebhookBlocksCallIsDoneWhateverTheStatusAsInPrefect() throws Exception {
        receiver.answer(new Receiver.Answer(500, "boom", 0));
        Result r = notifications.callWebhook(json("{\"url\": \"%s\"}".formatted(receiver.url("/h"))), "", null);
        assertNull(r.failure());
        assertEquals(500, r.status());
        assertEquals("boom", r.body());
    }

    @Test
    void privateTargetsNeedBothTheOperatorAndTheBlock() throws Exception {
        JsonObject refusing = json("{\"url\": \"%s\", \"allow_private_urls\": false}".formatted(receiver.url("/h/" + TOKEN)));
        assertEquals(OutboundCalls.PRIVATE_REFUSED_BY_BLOCK, notifications.callWebhook(refusing, "x", null).failure());
        assertEquals(OutboundCalls.PRIVATE_REFUSED_BY_BLOCK,
                notifications.notify("slack-webhook", refusing, "s", "b").failure());

        Notifications strict = new Notifications(new OutboundCalls(false, Duration.ofSeconds(2)));
        JsonObject allowing = json("{\"url\": \"%s\"}".formatted(receiver.url("/h/" + TOKEN)));
        assertEquals(OutboundCalls.PRIVATE_REFUSED, strict.callWebhook(allowing, "x", null).failure());
        assertEquals(OutboundCalls.PRIVATE_REFUSED, strict.notify("ms-teams-webhook", allowing, "s", "b").failure());
        assertTrue(receiver.nothingReceived());
    }

    @Test
    void aBlockWithoutUrlFails() {
        assertEquals("the webhook block has no URL", notifications.callWebhook(JsonValue.EMPTY_JSON_OBJECT, "x", null).failure());
        assertEquals("the notification block has no webhook URL",
                notifications.notify("slack-webhook", JsonValue.EMPTY_JSON_OBJECT, "s", "b").failure());
    }
}
