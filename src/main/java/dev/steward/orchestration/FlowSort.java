package dev.steward.orchestration;

/** Prefect's sort orders for flows; ties broken by id so that paging is stable. */
public enum FlowSort {
    CREATED_DESC("f.created desc, f.id"),
    UPDATED_DESC("f.updated desc, f.id"),
    NAME_ASC("f.name asc, f.id"),
    NAME_DESC("f.name desc, f.id");

    final String jpql;

    FlowSort(String jpql) {
        this.jpql = jpql;
    }
}
