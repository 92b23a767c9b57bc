import * as pulumi from "@pulumi/pulumi";

/**
 * Keeps an object input's known fields known at preview.
 *
 * azure-native wraps object inputs whose schema has defaults in `pulumi.output(value).apply(provideDefaults)` (for a
 * storage account: `networkRuleSet`, `encryption`, `sasPolicy`; see the generated storage/storageAccount.js). An Output
 * that is unknown anywhere inside makes that whole object unknown, so on a first `pulumi preview` one unknown resource
 * ID in `networkRuleSet.resourceAccessRules` hides `defaultAction: "Deny"` from the policy pack, which can then only
 * defer the storage-firewall checks instead of deciding them.
 *
 * This transformation (the `transformations` resource option: it runs in the resource's constructor, before the
 * inputs are serialized) hands the engine the object as written, so only the unknown leaf stays unknown and the
 * provider still receives every field. Use it only where the object sets every field the provider's defaults would
 * fill in (for a storage `networkRuleSet`: `bypass` and `defaultAction`), so skipping `provideDefaults` changes nothing
 * Azure receives.
 */
export function keepInputShape(property: string, value: pulumi.Input<object>): pulumi.ResourceTransformation {
    return (args) => ({ props: { ...args.props, [property]: value }, opts: args.opts });
}
