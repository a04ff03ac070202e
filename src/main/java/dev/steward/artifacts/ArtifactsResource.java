package dev.steward.artifacts;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Paging;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** Prefect 3's artifacts API under a workspace: /api/workspaces/{workspace}/artifacts/... */
@Path("/workspaces/{workspace}/artifacts")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class ArtifactsResource {
    /** The fields of a filter body: the filters, sort and paging. */
    private static final List<String> PAGE_FIELDS = pageFields();

    @Inject
    ArtifactService artifacts;

    @POST
    @MinRole(Role.DEVELOPER)
    public Response create(String text) {
        Artifact created = artifacts.create(ArtifactDocument.readCreate(Body.parse(text)));
        return Response.status(201).entity(ArtifactDocument.write(created)).build();
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("{id}")
    public JsonObject read(@PathParam("id") UUID id) {
        return ArtifactDocument.write(artifacts.get(id));
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("{key}/latest")
    public JsonObject readLatest(@PathParam("key") String key) {
        return ArtifactCollectionDocument.asArtifact(artifacts.latest(key));
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("filter")
    public JsonArray filter(String text) {
        Body body = page(text);
        return array(artifacts.versions(body, sort(body), Paging.offset(body), Paging.limit(body)),
                ArtifactDocument::write);
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("count")
    public long count(String text) {
        return artifacts.countVersions(filters(text));
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("latest/filter")
    public JsonArray filterLatest(String text) {
        Body body = page(text);
        return array(artifacts.latest(body, sort(body), Paging.offset(body), Paging.limit(body)),
                ArtifactCollectionDocument::write);
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("latest/count")
    public long countLatest(String text) {
        return artifacts.countLatest(filters(text));
    }

    /** Prefect's progress artifacts are updated this way (data), as are descriptions. */
    @PATCH
    @Path("{id}")
    @MinRole(Role.DEVELOPER)
    public Response update(@PathParam("id") UUID id, String text) {
        artifacts.update(id, ArtifactDocument.readUpdate(Body.parse(text)));
        return Response.noContent().build();
    }

    @DELETE
    @Path("{id}")
    @MinRole(Role.DEVELOPER)
    public Response delete(@PathParam("id") UUID id) {
        artifacts.delete(id);
        return Response.noContent().build();
    }

    private static <T> JsonArray array(List<T> items, Function<T, JsonObject> write) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        items.forEach(item -> out.add(write.apply(item)));
        return out.build();
    }

    private static Body page(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(PAGE_FIELDS);
        return body;
    }

    private static Body filters(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(ArtifactFilter.FIELDS);
        return body;
    }

    /** Prefect's default for both reads is ID_DESC. */
    private static ArtifactSort sort(Body body) {
        return body.enumValue("sort", ArtifactSort.class, ArtifactSort.ID_DESC);
    }

    private static List<String> pageFields() {
        List<String> fields = new ArrayList<>(ArtifactFilter.FIELDS);
        fields.addAll(List.of("sort", "offset", "limit"));
        return List.copyOf(fields);
    }
}
