package dev.steward.blocks;

/** Prefect's sort orders for block documents; ties broken by id so that paging is stable. */
public enum BlockDocumentSort {
    NAME_DESC("d.name desc, d.id"),
    NAME_ASC("d.name asc, d.id"),
    BLOCK_TYPE_AND_NAME_ASC("d.blockTypeName asc, d.name asc, d.id");

    final String jpql;

    BlockDocumentSort(String jpql) {
        this.jpql = jpql;
    }
}
