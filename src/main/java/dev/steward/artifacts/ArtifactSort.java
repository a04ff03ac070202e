package dev.steward.artifacts;

/**
 * Prefect's ArtifactSort and ArtifactCollectionSort (the same five orders), over {@code a}; ties broken by id so that
 * paging is stable. PostgreSQL puts a null key first in KEY_DESC and last in KEY_ASC, as under Prefect.
 */
public enum ArtifactSort {
    CREATED_DESC("a.created desc, a.id desc"),
    UPDATED_DESC("a.updated desc, a.id desc"),
    ID_DESC("a.id desc"),
    KEY_DESC("a.key desc, a.id desc"),
    KEY_ASC("a.key asc, a.id desc");

    final String jpql;

    ArtifactSort(String jpql) {
        this.jpql = jpql;
    }
}
