package org.spgateway.gateway.fhir;

import java.util.List;
import java.util.function.BiConsumer;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Property;

/** Visits every element of a resource with its FHIRPath-style path, for error messages that name the element. */
final class ElementWalker {

    private ElementWalker() {
    }

    static void walk(Base element, String path, BiConsumer<String, Base> visitor) {
        visitor.accept(path, element);
        for (Property property : element.children()) {
            List<Base> values = property.getValues();
            for (int i = 0; i < values.size(); i++) {
                Base value = values.get(i);
                if (value == null) {
                    continue;
                }
                String name = property.getName();
                if (name.endsWith("[x]")) {
                    String type = value.fhirType();
                    name = name.substring(0, name.length() - 3) + Character.toUpperCase(type.charAt(0)) + type.substring(1);
                }
                String childPath = path + "." + name + (property.getMaxCardinality() > 1 ? "[" + i + "]" : "");
                walk(value, childPath, visitor);
            }
        }
    }
}
