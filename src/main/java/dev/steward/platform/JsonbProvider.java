package dev.steward.platform;

import jakarta.json.bind.Jsonb;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

/** Makes JAX-RS serialise response records with {@link Json#JSONB} (snake_case like Prefect). */
@Provider
public class JsonbProvider implements ContextResolver<Jsonb> {
    @Override
    public Jsonb getContext(Class<?> type) {
        return Json.JSONB;
    }
}
