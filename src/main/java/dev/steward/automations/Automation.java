package dev.steward.automations;

import dev.steward.platform.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * An automation as stored: its trigger and its three action lists are Prefect's JSON, kept as text and read through
 * {@link Trigger#read} and {@link Action#readList} (which validated them when they were written).
 */
@Entity
@Table(name = "automation")
public class Automation extends WorkspaceOwned {
    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private String description;

    @Column(nullable = false)
    private boolean enabled;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    private List<String> tags = new ArrayList<>();

    @Column(nullable = false, columnDefinition = "text")
    private String trigger;

    @Column(nullable = false, columnDefinition = "text")
    private String actions;

    @Column(name = "actions_on_trigger", nullable = false, columnDefinition = "text")
    private String actionsOnTrigger;

    @Column(name = "actions_on_resolve", nullable = false, columnDefinition = "text")
    private String actionsOnResolve;

    @Column(nullable = false)
    private Instant created;

    @Column(nullable = false)
    private Instant updated;

    protected Automation() {}

    Automation(AutomationDocument.Definition definition, Instant now) {
        this.id = UUID.randomUUID();
        this.created = now;
        define(definition, now);
    }

    public String getName() { return name; }
    public String getDescription() { return description; }
    public boolean isEnabled() { return enabled; }
    public List<String> getTags() { return List.copyOf(tags); }
    public String getTrigger() { return trigger; }
    public String getActions() { return actions; }
    public String getActionsOnTrigger() { return actionsOnTrigger; }
    public String getActionsOnResolve() { return actionsOnResolve; }
    public Instant getCreated() { return created; }
    public Instant getUpdated() { return updated; }

    /** Replaces everything a PUT replaces. */
    void define(AutomationDocument.Definition d, Instant now) {
        this.name = d.name();
        this.description = d.description();
        this.enabled = d.enabled();
        this.tags = new ArrayList<>(d.tags());
        this.trigger = d.trigger().toJson().toString();
        this.actions = Action.toJson(d.actions()).toString();
        this.actionsOnTrigger = Action.toJson(d.actionsOnTrigger()).toString();
        this.actionsOnResolve = Action.toJson(d.actionsOnResolve()).toString();
        this.updated = now;
    }

    void setEnabled(boolean enabled, Instant now) {
        this.enabled = enabled;
        this.updated = now;
    }
}
