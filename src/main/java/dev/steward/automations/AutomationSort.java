package dev.steward.automations;

/** Prefect's sort orders for automations; ties broken by id so that paging is stable. */
public enum AutomationSort {
    CREATED_DESC("a.created desc, a.id"),
    UPDATED_DESC("a.updated desc, a.id"),
    NAME_ASC("a.name asc, a.id"),
    NAME_DESC("a.name desc, a.id");

    final String jpql;

    AutomationSort(String jpql) {
        this.jpql = jpql;
    }
}
