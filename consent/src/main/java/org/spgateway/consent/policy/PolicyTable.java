package org.spgateway.consent.policy;

import java.util.List;
import org.spgateway.consent.DataClass;
import org.spgateway.consent.Purpose;
import org.spgateway.consent.RecipientRole;

/**
 * A sharing policy laid out as the IG page shows it: the same shape as the table in design.md section 3.
 *
 * @param version     policy version
 * @param description policy description
 * @param purposes    purposes covered
 * @param columns     the roles, in column order
 * @param rows        one row per data class, cells in column order
 */
public record PolicyTable(String version, String description, List<Purpose> purposes, List<RecipientRole> columns,
                          List<Row> rows) {

    public PolicyTable {
        purposes = List.copyOf(purposes);
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }

    /**
     * One data class across all roles.
     *
     * @param dataClass    the class
     * @param label        its human label
     * @param identifiable whether it needs a permitting consent
     * @param cells        one per role, in column order
     */
    public record Row(DataClass dataClass, String label, boolean identifiable, List<Cell> cells) {
        public Row {
            cells = List.copyOf(cells);
        }
    }

    /**
     * One rule.
     *
     * @param role the column
     * @param rule the rule
     * @param text plain-English rule text
     */
    public record Cell(RecipientRole role, Rule rule, String text) {
    }
}
