package dev.steward.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.steward.testing.RealPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/** The changelog applies to real PostgreSQL, again without change, and the entity mappings validate against it. */
class SchemaMigratorTest {
    @Test
    void migratesIdempotentlyAndMappingsValidate() throws Exception {
        var ds = RealPostgres.dataSource();
        SchemaMigrator.migrate(ds); // a second run must be a no-op
        try (Connection c = ds.getConnection();
             ResultSet rs = c.createStatement().executeQuery("select count(*) from databasechangelog")) {
            rs.next();
            assertEquals(33, rs.getInt(1), "each changeset applied exactly once");
        }
        assertNotNull(RealPostgres.sessionFactory(), "hbm2ddl=validate accepted every mapping");
    }
}
