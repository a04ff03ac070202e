package dev.steward.variables;

/** Prefect's sort orders for variables; ties broken by id so that paging is stable. */
public enum VariableSort {
    CREATED_DESC("v.created desc, v.id"),
    UPDATED_DESC("v.updated desc, v.id"),
    NAME_DESC("v.name desc, v.id"),
    NAME_ASC("v.name asc, v.id");

    final String jpql;

    VariableSort(String jpql) {
        this.jpql = jpql;
    }
}
