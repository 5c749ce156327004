package org.spgateway.mappings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The outcome measures a VCS service may report, as codes of {@value CodeSystems#OUTCOME_MEASURE}: the one list the
 * mapper builds Observations from and the implementation guide publishes its CodeSystem, ValueSets and profiles from.
 *
 * <p>ONS4 has no total (ONS "Personal well-being user guidance": each item is reported on its own), so its four items
 * are components and it has no value. SWEMWBS and WEMWBS carry the raw total (not the SWEMWBS metric conversion) and,
 * when recorded, their items. Item wording is not copied: the scales are licensed by the University of Warwick.
 */
public enum OutcomeMeasure {
    ONS4("ons4", "ONS4 personal wellbeing", List.of(
            new Item("ons4-life-satisfaction", "Life satisfaction"),
            new Item("ons4-worthwhile", "Worthwhile"),
            new Item("ons4-happiness", "Happiness yesterday"),
            new Item("ons4-anxiety", "Anxiety yesterday")), 0, 10, null, null),
    SWEMWBS("swemwbs", "SWEMWBS raw total score", scaleItems("swemwbs", "SWEMWBS", 7), 1, 5, 7, 35),
    WEMWBS("wemwbs", "WEMWBS total score", scaleItems("wemwbs", "WEMWBS", 14), 1, 5, 14, 70),
    GOALS("goals", "Goals (free text)", List.of(), null, null, null, null);

    /** One item of a measure (an Observation.component code). */
    public record Item(String code, String display) {
    }

    private final String code;
    private final String display;
    private final List<Item> items;
    private final Integer itemMin;
    private final Integer itemMax;
    private final Integer totalMin;
    private final Integer totalMax;

    OutcomeMeasure(String code, String display, List<Item> items, Integer itemMin, Integer itemMax, Integer totalMin,
                   Integer totalMax) {
        this.code = code;
        this.display = display;
        this.items = items;
        this.itemMin = itemMin;
        this.itemMax = itemMax;
        this.totalMin = totalMin;
        this.totalMax = totalMax;
    }

    private static List<Item> scaleItems(String code, String name, int count) {
        List<Item> items = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            items.add(new Item(code + "-item-" + i, name + " item " + i));
        }
        return List.copyOf(items);
    }

    public String code() {
        return code;
    }

    public String display() {
        return display;
    }

    /** The items, in questionnaire order; empty for free-text goals. */
    public List<Item> items() {
        return items;
    }

    /** Lowest and highest score of one item, or null when the measure has no scored items. */
    public Integer itemMin() {
        return itemMin;
    }

    public Integer itemMax() {
        return itemMax;
    }

    /** Range of the total (the Observation's valueInteger), or null when the measure has no total. */
    public Integer totalMin() {
        return totalMin;
    }

    public Integer totalMax() {
        return totalMax;
    }

    /** The measure with this code, if any. */
    public static Optional<OutcomeMeasure> fromCode(String code) {
        return Arrays.stream(values()).filter(m -> m.code.equals(code)).findFirst();
    }
}
