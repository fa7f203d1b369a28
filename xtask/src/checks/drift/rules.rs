//! The rules `compare` applies: each kind of change it recognises has a stable id (shown in
//! every report, like oasdiff's check ids, so a maintainer can search for it or quote it), one
//! verdict and a sentence saying why.
//!
//! The verdicts follow one principle: a change is breaking when a client generated from the old
//! document can fail against the new API. Widening what a client may send, or narrowing what it
//! may receive, is not breaking; narrowing what it may send, or widening what it may receive, is.

use super::Impact;

macro_rules! rules {
    ($( $(#[$doc:meta])* $name:ident = ($id:literal, $impact:ident, $why:literal), )*) => {
        /// A kind of change, with a stable id and one verdict.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $( $(#[$doc])* $name, )*
        }

        impl Rule {
            /// Every rule, in catalog order.
            pub const ALL: &'static [Rule] = &[$(Rule::$name),*];

            /// The stable id: `request-property-became-required`.
            pub fn id(self) -> &'static str {
                match self { $(Rule::$name => $id,)* }
            }

            /// Whether a change of this kind breaks old clients.
            pub fn impact(self) -> Impact {
                match self { $(Rule::$name => Impact::$impact,)* }
            }

            /// Why the rule has its verdict, in one sentence.
            pub fn why(self) -> &'static str {
                match self { $(Rule::$name => $why,)* }
            }
        }
    };
}

rules! {
    /// An operation is gone.
    OperationRemoved = ("operation-removed", Breaking, "old clients call it and get 404 or 405"),
    /// A new operation.
    OperationAdded = ("operation-added", Additive, "a new method; old clients do not call it"),
    /// An operation is now marked deprecated.
    OperationDeprecated = ("operation-deprecated", Additive, "it still works; the crate marks the method #[deprecated]"),
    /// An operation is no longer marked deprecated.
    OperationUndeprecated = ("operation-undeprecated", Additive, "the method loses its #[deprecated] mark"),

    /// A webhook the API sent is gone.
    WebhookRemoved = ("webhook-removed", Breaking, "receivers built for it never get it again, and its payload type goes"),
    /// A new webhook.
    WebhookAdded = ("webhook-added", Additive, "old receivers are not sent it unless they subscribe"),

    /// A webhook's payload may now be left out.
    WebhookPayloadBecameOptional = ("webhook-payload-became-optional", Breaking, "receivers built for it expect a body"),
    /// A webhook's payload is always sent now.
    WebhookPayloadBecameRequired = ("webhook-payload-became-required", Additive, "receivers read a body either way"),

    /// Authentication is required where none was.
    SecurityAdded = ("security-required", Breaking, "old clients send no credentials"),
    /// Authentication is no longer required.
    SecurityRemoved = ("security-no-longer-required", Additive, "credentials old clients send are not needed"),
    /// What an old client sends no longer satisfies any requirement.
    SecurityRequirementChanged = ("security-requirement-changed", Breaking, "the credentials old clients send are not enough"),
    /// A new way to authenticate, old ones still accepted.
    SecurityAlternativeAdded = ("security-alternative-added", Additive, "old credentials still satisfy a requirement"),
    /// A security requirement needs an OAuth scope it did not.
    SecurityScopeAdded = ("security-scope-added", Breaking, "tokens old clients hold were granted for the old scopes"),
    /// A security requirement no longer needs a scope.
    SecurityScopeRemoved = ("security-scope-removed", Additive, "tokens old clients hold carry it anyway"),
    /// An OAuth flow is added or removed, or its authorization, token or refresh URL changed.
    SecurityFlowChanged = ("security-flow-changed", Additive, "the generated client sends the token it is given; code that obtains tokens must follow"),
    /// A scheme old clients use is sent another way.
    SecuritySchemeChanged = ("security-scheme-changed", Breaking, "old clients put the credential where it is no longer read"),

    /// A request parameter is gone.
    RequestParameterRemoved = ("request-parameter-removed", Breaking, "old clients send a parameter the API no longer takes"),
    /// A parameter old clients may omit must now be sent.
    RequestParameterBecameRequired = ("request-parameter-became-required", Breaking, "old clients may omit it"),
    /// A required parameter may now be omitted.
    RequestParameterBecameOptional = ("request-parameter-became-optional", Additive, "old clients send it anyway"),
    /// A new required parameter.
    RequestParameterRequiredAdded = ("request-parameter-required-added", Breaking, "old clients do not send it"),
    /// A new optional parameter.
    RequestParameterOptionalAdded = ("request-parameter-optional-added", Additive, "old clients omit it"),
    /// A scalar parameter became an array whose items read every old value.
    RequestParameterBecameArray = ("request-parameter-became-array", Additive, "one value old clients send is an array of one"),
    /// A parameter is now marked deprecated.
    RequestParameterDeprecated = ("request-parameter-deprecated", Additive, "it is still read; a warning that it will go"),
    /// A parameter is no longer marked deprecated.
    RequestParameterUndeprecated = ("request-parameter-undeprecated", Additive, "it is read as before"),
    /// A parameter is serialized differently (`style`, `explode`).
    RequestParameterSerializationChanged = ("request-parameter-serialization-changed", Breaking, "old clients write the value in the old form"),

    /// The request body is gone.
    RequestBodyRemoved = ("request-body-removed", Breaking, "old clients send a body the API no longer reads"),
    /// A new required request body.
    RequestBodyRequiredAdded = ("request-body-required-added", Breaking, "old clients send no body"),
    /// A new optional request body.
    RequestBodyOptionalAdded = ("request-body-optional-added", Additive, "old clients send no body, which is allowed"),
    /// The request body must now be sent.
    RequestBodyBecameRequired = ("request-body-became-required", Breaking, "old clients may send none"),
    /// The request body may now be left out.
    RequestBodyBecameOptional = ("request-body-became-optional", Additive, "old clients send one anyway"),
    /// A request media type is no longer accepted.
    RequestMediaTypeRemoved = ("request-media-type-removed", Breaking, "old clients send a media type the API refuses"),
    /// A request media type is accepted too.
    RequestMediaTypeAdded = ("request-media-type-added", Additive, "old clients keep sending the old one"),

    /// A request media type gains a schema where any value was accepted.
    RequestMediaTypeSchemaAdded = ("request-media-type-schema-added", Breaking, "the server now validates bodies it took as they were"),
    /// A request media type's schema is gone: any value is accepted.
    RequestMediaTypeSchemaRemoved = ("request-media-type-schema-removed", Additive, "every body old clients send is still accepted"),
    /// A response media type gains a schema where any value could come.
    ResponseMediaTypeSchemaAdded = ("response-media-type-schema-added", Additive, "old clients read any value there"),
    /// A response media type's schema is gone: any value may come.
    ResponseMediaTypeSchemaRemoved = ("response-media-type-schema-removed", Breaking, "old clients parse it into the old schema's type"),

    /// A success status is gone.
    ResponseSuccessStatusRemoved = ("response-success-status-removed", Breaking, "old clients expect that answer"),
    /// A new success status.
    ResponseSuccessStatusAdded = ("response-success-status-added", Breaking, "old clients treat it as unexpected"),
    /// An error status is no longer documented.
    ResponseErrorStatusRemoved = ("response-error-status-removed", Additive, "old clients just never see it"),
    /// A new error status.
    ResponseErrorStatusAdded = ("response-error-status-added", Additive, "old clients already handle undocumented errors"),
    /// A response body is gone.
    ResponseBodyRemoved = ("response-body-removed", Breaking, "old clients parse a body that is not sent"),
    /// A response body where none was.
    ResponseBodyAdded = ("response-body-added", Additive, "old clients ignore it"),
    /// A response media type is gone.
    ResponseMediaTypeRemoved = ("response-media-type-removed", Breaking, "old clients parse the old media type"),
    /// A new response media type next to the old ones.
    ResponseMediaTypeAdded = ("response-media-type-added", Additive, "old clients ask for and get the old one"),

    /// A response header is gone.
    ResponseHeaderRemoved = ("response-header-removed", Breaking, "old clients read a header that is not sent"),
    /// A response header may now be missing.
    ResponseHeaderBecameOptional = ("response-header-became-optional", Breaking, "old clients expect it"),
    /// A new response header.
    ResponseHeaderAdded = ("response-header-added", Additive, "old clients ignore it"),

    /// A request value may have a wider type (integer to number).
    RequestTypeWidened = ("request-type-widened", Additive, "every value old clients send is still valid"),
    /// A request value has another type.
    RequestTypeChanged = ("request-type-changed", Breaking, "old clients send the old type"),
    /// A response value has a narrower type (number to integer).
    ResponseTypeNarrowed = ("response-type-narrowed", Additive, "old clients read every value of it"),
    /// A response value has another type.
    ResponseTypeChanged = ("response-type-changed", Breaking, "old clients cannot read the new type"),
    /// A request format is dropped or widened (int32 to int64).
    RequestFormatWidened = ("request-format-widened", Additive, "every value old clients send is still valid"),
    /// A request format is added, narrowed or changed.
    RequestFormatChanged = ("request-format-changed", Breaking, "values old clients send may be refused"),
    /// A response format is added or narrowed.
    ResponseFormatNarrowed = ("response-format-narrowed", Additive, "old clients read every value of it"),
    /// A response format is dropped, widened or changed.
    ResponseFormatChanged = ("response-format-changed", Breaking, "old clients may fail to read the new values"),
    // Limits, one rule per keyword and direction: a tighter one refuses what a client sent
    // before, a looser one lets through what a client did not expect.
    /// A request's `maxLength` is tighter or new.
    RequestMaxLengthTightened = ("request-max-length-tightened", Breaking, "values old clients send may be refused"),
    /// A request's `maxLength` is looser or gone.
    RequestMaxLengthLoosened = ("request-max-length-loosened", Additive, "every value old clients send still fits"),
    /// A response's `maxLength` is tighter or new.
    ResponseMaxLengthTightened = ("response-max-length-tightened", Additive, "old clients read every value that fits it"),
    /// A response's `maxLength` is looser or gone.
    ResponseMaxLengthLoosened = ("response-max-length-loosened", Breaking, "old clients check values against the old limit"),
    /// A request's `minLength` is tighter or new.
    RequestMinLengthTightened = ("request-min-length-tightened", Breaking, "values old clients send may be refused"),
    /// A request's `minLength` is looser or gone.
    RequestMinLengthLoosened = ("request-min-length-loosened", Additive, "every value old clients send still fits"),
    /// A response's `minLength` is tighter or new.
    ResponseMinLengthTightened = ("response-min-length-tightened", Additive, "old clients read every value that fits it"),
    /// A response's `minLength` is looser or gone.
    ResponseMinLengthLoosened = ("response-min-length-loosened", Breaking, "old clients check values against the old limit"),
    /// A request's `maximum` is tighter or new.
    RequestMaximumTightened = ("request-maximum-tightened", Breaking, "values old clients send may be refused"),
    /// A request's `maximum` is looser or gone.
    RequestMaximumLoosened = ("request-maximum-loosened", Additive, "every value old clients send still fits"),
    /// A response's `maximum` is tighter or new.
    ResponseMaximumTightened = ("response-maximum-tightened", Additive, "old clients read every value that fits it"),
    /// A response's `maximum` is looser or gone.
    ResponseMaximumLoosened = ("response-maximum-loosened", Breaking, "old clients check values against the old limit"),
    /// A request's `minimum` is tighter or new.
    RequestMinimumTightened = ("request-minimum-tightened", Breaking, "values old clients send may be refused"),
    /// A request's `minimum` is looser or gone.
    RequestMinimumLoosened = ("request-minimum-loosened", Additive, "every value old clients send still fits"),
    /// A response's `minimum` is tighter or new.
    ResponseMinimumTightened = ("response-minimum-tightened", Additive, "old clients read every value that fits it"),
    /// A response's `minimum` is looser or gone.
    ResponseMinimumLoosened = ("response-minimum-loosened", Breaking, "old clients check values against the old limit"),
    /// A request's `exclusiveMaximum` is tighter or new.
    RequestExclusiveMaximumTightened = ("request-exclusive-maximum-tightened", Breaking, "values old clients send may be refused"),
    /// A request's `exclusiveMaximum` is looser or gone.
    RequestExclusiveMaximumLoosened = ("request-exclusive-maximum-loosened", Additive, "every value old clients send still fits"),
    /// A response's `exclusiveMaximum` is tighter or new.
    ResponseExclusiveMaximumTightened = ("response-exclusive-maximum-tightened", Additive, "old clients read every value that fits it"),
    /// A response's `exclusiveMaximum` is looser or gone.
    ResponseExclusiveMaximumLoosened = ("response-exclusive-maximum-loosened", Breaking, "old clients check values against the old limit"),
    /// A request's `exclusiveMinimum` is tighter or new.
    RequestExclusiveMinimumTightened = ("request-exclusive-minimum-tightened", Breaking, "values old clients send may be refused"),
    /// A request's `exclusiveMinimum` is looser or gone.
    RequestExclusiveMinimumLoosened = ("request-exclusive-minimum-loosened", Additive, "every value old clients send still fits"),
    /// A response's `exclusiveMinimum` is tighter or new.
    ResponseExclusiveMinimumTightened = ("response-exclusive-minimum-tightened", Additive, "old clients read every value that fits it"),
    /// A response's `exclusiveMinimum` is looser or gone.
    ResponseExclusiveMinimumLoosened = ("response-exclusive-minimum-loosened", Breaking, "old clients check values against the old limit"),
    /// A request's `maxItems` is tighter or new.
    RequestMaxItemsTightened = ("request-max-items-tightened", Breaking, "values old clients send may be refused"),
    /// A request's `maxItems` is looser or gone.
    RequestMaxItemsLoosened = ("request-max-items-loosened", Additive, "every value old clients send still fits"),
    /// A response's `maxItems` is tighter or new.
    ResponseMaxItemsTightened = ("response-max-items-tightened", Additive, "old clients read every value that fits it"),
    /// A response's `maxItems` is looser or gone.
    ResponseMaxItemsLoosened = ("response-max-items-loosened", Breaking, "old clients check values against the old limit"),
    /// A request's `minItems` is tighter or new.
    RequestMinItemsTightened = ("request-min-items-tightened", Breaking, "values old clients send may be refused"),
    /// A request's `minItems` is looser or gone.
    RequestMinItemsLoosened = ("request-min-items-loosened", Additive, "every value old clients send still fits"),
    /// A response's `minItems` is tighter or new.
    ResponseMinItemsTightened = ("response-min-items-tightened", Additive, "old clients read every value that fits it"),
    /// A response's `minItems` is looser or gone.
    ResponseMinItemsLoosened = ("response-min-items-loosened", Breaking, "old clients check values against the old limit"),
    /// A request's `uniqueItems` is tighter or new.
    RequestUniqueItemsTightened = ("request-unique-items-tightened", Breaking, "values old clients send may be refused"),
    /// A request's `uniqueItems` is looser or gone.
    RequestUniqueItemsLoosened = ("request-unique-items-loosened", Additive, "every value old clients send still fits"),
    /// A response's `uniqueItems` is tighter or new.
    ResponseUniqueItemsTightened = ("response-unique-items-tightened", Additive, "old clients read every value that fits it"),
    /// A response's `uniqueItems` is looser or gone.
    ResponseUniqueItemsLoosened = ("response-unique-items-loosened", Breaking, "old clients check values against the old limit"),
    /// A request's `maxProperties` is tighter or new.
    RequestMaxPropertiesTightened = ("request-max-properties-tightened", Breaking, "values old clients send may be refused"),
    /// A request's `maxProperties` is looser or gone.
    RequestMaxPropertiesLoosened = ("request-max-properties-loosened", Additive, "every value old clients send still fits"),
    /// A response's `maxProperties` is tighter or new.
    ResponseMaxPropertiesTightened = ("response-max-properties-tightened", Additive, "old clients read every value that fits it"),
    /// A response's `maxProperties` is looser or gone.
    ResponseMaxPropertiesLoosened = ("response-max-properties-loosened", Breaking, "old clients check values against the old limit"),
    /// A request's `minProperties` is tighter or new.
    RequestMinPropertiesTightened = ("request-min-properties-tightened", Breaking, "values old clients send may be refused"),
    /// A request's `minProperties` is looser or gone.
    RequestMinPropertiesLoosened = ("request-min-properties-loosened", Additive, "every value old clients send still fits"),
    /// A response's `minProperties` is tighter or new.
    ResponseMinPropertiesTightened = ("response-min-properties-tightened", Additive, "old clients read every value that fits it"),
    /// A response's `minProperties` is looser or gone.
    ResponseMinPropertiesLoosened = ("response-min-properties-loosened", Breaking, "old clients check values against the old limit"),
    /// A request's `multipleOf` is tighter or new.
    RequestMultipleOfTightened = ("request-multiple-of-tightened", Breaking, "values old clients send may be refused"),
    /// A request's `multipleOf` is looser or gone.
    RequestMultipleOfLoosened = ("request-multiple-of-loosened", Additive, "every value old clients send still fits"),
    /// A response's `multipleOf` is tighter or new.
    ResponseMultipleOfTightened = ("response-multiple-of-tightened", Additive, "old clients read every value that fits it"),
    /// A response's `multipleOf` is looser or gone.
    ResponseMultipleOfLoosened = ("response-multiple-of-loosened", Breaking, "old clients check values against the old limit"),
    /// A request pattern is gone.
    RequestPatternRemoved = ("request-pattern-removed", Additive, "every value old clients send still matches"),
    /// A request pattern is new or different.
    RequestPatternChanged = ("request-pattern-changed", Breaking, "values old clients send may not match"),
    /// A response pattern is new.
    ResponsePatternAdded = ("response-pattern-added", Additive, "old clients read every value that matches it"),
    /// A response pattern is gone or different.
    ResponsePatternChanged = ("response-pattern-changed", Breaking, "old clients check values against the old pattern"),
    /// A request schema validates more strictly: a JSON Schema 2020 keyword (`contains`,
    /// `dependentRequired`, `if`, `patternProperties`, `not`, ...) added or made stricter.
    RequestValidationTightened = ("request-validation-tightened", Breaking, "the server checks it, even where the client does not: values old clients send may be refused"),
    /// A request schema validates more loosely: such a keyword removed or relaxed.
    RequestValidationLoosened = ("request-validation-loosened", Additive, "every value old clients send still passes"),
    /// A response schema validates more strictly.
    ResponseValidationTightened = ("response-validation-tightened", Additive, "old clients read every value that passes it"),
    /// A response schema validates more loosely, or differently.
    ResponseValidationLoosened = ("response-validation-loosened", Breaking, "code written to the old schema may meet values it ruled out"),
    /// A request value may no longer be null.
    RequestNullRemoved = ("request-null-removed", Breaking, "old clients may send null"),
    /// A request value may now be null.
    RequestNullAdded = ("request-null-added", Additive, "old clients never send null"),
    /// A response value may now be null.
    ResponseNullAdded = ("response-null-added", Breaking, "old clients cannot read null there"),
    /// A response value is never null now.
    ResponseNullRemoved = ("response-null-removed", Additive, "old clients read null or a value"),
    /// The default the API uses for an omitted optional value changed, appeared or went away.
    RequestDefaultChanged = ("request-default-changed", Breaking, "old clients that omit it get another behaviour"),
    /// A value old clients may send is no longer listed.
    RequestEnumValueRemoved = ("request-enum-value-removed", Breaking, "old clients may send it"),
    /// A new value clients may send.
    RequestEnumValueAdded = ("request-enum-value-added", Additive, "old clients never send it"),
    /// A new value in a closed response enum: one of numbers, which is generated as a
    /// checked newtype.
    ResponseEnumValueAdded = ("response-enum-value-added", Breaking, "old clients cannot read a value their enum lacks"),
    /// A new value in a response enum of strings, which is generated open (`Unknown(String)`).
    ResponseOpenEnumValueAdded = ("response-open-enum-value-added", Additive, "old clients read an unlisted value as `Unknown`"),
    /// No value a response enum (or `const`) listed is listed any more.
    ResponseEnumValuesReplaced = ("response-enum-values-replaced", Breaking, "old clients read every new value as `Unknown`, and the ones their code handles never come"),
    /// A response value is no longer listed.
    ResponseEnumValueRemoved = ("response-enum-value-removed", Additive, "old clients read the values that remain"),
    /// A request value is limited to a list where it was free.
    RequestValuesRestricted = ("request-values-restricted", Breaking, "old clients may send a value not in the list"),
    /// A request value is no longer limited to a list.
    RequestValuesUnrestricted = ("request-values-unrestricted", Additive, "every value old clients send is still valid"),
    /// A response value is limited to a list where it was free.
    ResponseValuesRestricted = ("response-values-restricted", Additive, "old clients read any value"),
    /// A response string is no longer limited to a list: the open enum old clients have
    /// reads any string.
    ResponseOpenEnumUnrestricted = ("response-open-enum-unrestricted", Additive, "old clients read an unlisted value as `Unknown`"),
    /// A response value is no longer limited to a list.
    ResponseValuesUnrestricted = ("response-values-unrestricted", Breaking, "old clients read it into their closed enum"),
    /// A request field is gone.
    RequestPropertyRemoved = ("request-property-removed", Breaking, "old clients send a field the API no longer reads"),
    /// A request field old clients may omit must now be sent.
    RequestPropertyBecameRequired = ("request-property-became-required", Breaking, "old clients may omit it"),
    /// A required request field may now be omitted.
    RequestPropertyBecameOptional = ("request-property-became-optional", Additive, "old clients send it anyway"),
    /// A new required request field.
    RequestPropertyRequiredAdded = ("request-property-required-added", Breaking, "old clients do not send it"),
    /// A new optional request field.
    RequestPropertyOptionalAdded = ("request-property-optional-added", Additive, "old clients omit it"),
    /// A response field is gone.
    ResponsePropertyRemoved = ("response-property-removed", Breaking, "old clients read a field that is not sent"),
    /// A response field may now be missing.
    ResponsePropertyBecameOptional = ("response-property-became-optional", Breaking, "old clients require it"),
    /// A response field is always present now.
    ResponsePropertyBecameRequired = ("response-property-became-required", Additive, "old clients read it either way"),
    /// A new response field.
    ResponsePropertyAdded = ("response-property-added", Additive, "old clients ignore fields they do not know"),
    /// A request field became read-only.
    RequestPropertyBecameReadOnly = ("request-property-became-read-only", Breaking, "old clients send it, and the server ignores or refuses it"),
    /// A read-only field may now be sent.
    RequestPropertyNoLongerReadOnly = ("request-property-no-longer-read-only", Additive, "old clients never send it, which is allowed"),
    /// A response field became write-only.
    ResponsePropertyBecameWriteOnly = ("response-property-became-write-only", Breaking, "old clients read it, and it is no longer sent"),
    /// A write-only field is now sent back.
    ResponsePropertyNoLongerWriteOnly = ("response-property-no-longer-write-only", Additive, "old clients ignore fields they do not know"),
    /// A request union gains a discriminator.
    RequestDiscriminatorAdded = ("request-discriminator-added", Additive, "the server picks the variant by a property old clients' variants carry"),
    /// A request union loses its discriminator.
    RequestDiscriminatorRemoved = ("request-discriminator-removed", Additive, "the server matches what old clients send against the variants instead"),
    /// A response union gains a discriminator.
    ResponseDiscriminatorAdded = ("response-discriminator-added", Additive, "the values sent are the same; old clients match them as before"),
    /// A response union loses its discriminator.
    ResponseDiscriminatorRemoved = ("response-discriminator-removed", Additive, "the values sent are the same; the property still names the variant"),
    /// A request union's discriminator is another property.
    RequestDiscriminatorPropertyChanged = ("request-discriminator-property-changed", Breaking, "old clients name the variant in the old property"),
    /// A response union's discriminator is another property.
    ResponseDiscriminatorPropertyChanged = ("response-discriminator-property-changed", Breaking, "old clients read the variant from the old property"),
    /// A discriminator value old clients may send is no longer mapped.
    RequestDiscriminatorValueRemoved = ("request-discriminator-value-removed", Breaking, "old clients may send it"),
    /// A new discriminator value clients may send.
    RequestDiscriminatorValueAdded = ("request-discriminator-value-added", Additive, "old clients never send it"),
    /// A discriminator value a response may carry is no longer mapped.
    ResponseDiscriminatorValueRemoved = ("response-discriminator-value-removed", Additive, "old clients read the values that remain"),
    /// A new discriminator value a response may carry.
    ResponseDiscriminatorValueAdded = ("response-discriminator-value-added", Breaking, "old clients cannot read a variant their tagged enum lacks"),
    /// A union variant old clients may send is gone.
    RequestVariantRemoved = ("request-variant-removed", Breaking, "old clients may send that variant"),
    /// A new union variant clients may send.
    RequestVariantAdded = ("request-variant-added", Additive, "old clients never send it"),
    /// A new union variant in a response.
    ResponseVariantAdded = ("response-variant-added", Breaking, "old clients cannot read it"),
    /// A union variant in a response is gone.
    ResponseVariantRemoved = ("response-variant-removed", Additive, "old clients read the variants that remain"),
}

/// A JSON Schema keyword that limits values; each has its own four rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Limit {
    /// `maxLength`.
    MaxLength,
    /// `minLength`.
    MinLength,
    /// `maximum`.
    Maximum,
    /// `minimum`.
    Minimum,
    /// `exclusiveMaximum`.
    ExclusiveMaximum,
    /// `exclusiveMinimum`.
    ExclusiveMinimum,
    /// `maxItems`.
    MaxItems,
    /// `minItems`.
    MinItems,
    /// `uniqueItems`.
    UniqueItems,
    /// `maxProperties`.
    MaxProperties,
    /// `minProperties`.
    MinProperties,
    /// `multipleOf`.
    MultipleOf,
}

impl Limit {
    /// Upper bounds given as a number.
    pub(super) const UPPER: [Limit; 4] = [
        Limit::MaxLength,
        Limit::Maximum,
        Limit::MaxItems,
        Limit::MaxProperties,
    ];
    /// Lower bounds given as a number.
    pub(super) const LOWER: [Limit; 4] = [
        Limit::MinLength,
        Limit::Minimum,
        Limit::MinItems,
        Limit::MinProperties,
    ];
    /// Limits that are on when `true`.
    pub(super) const FLAGS: [Limit; 3] = [
        Limit::ExclusiveMaximum,
        Limit::ExclusiveMinimum,
        Limit::UniqueItems,
    ];

    /// The keyword as the document spells it.
    pub(super) fn keyword(self) -> &'static str {
        match self {
            Limit::MaxLength => "maxLength",
            Limit::MinLength => "minLength",
            Limit::Maximum => "maximum",
            Limit::Minimum => "minimum",
            Limit::ExclusiveMaximum => "exclusiveMaximum",
            Limit::ExclusiveMinimum => "exclusiveMinimum",
            Limit::MaxItems => "maxItems",
            Limit::MinItems => "minItems",
            Limit::UniqueItems => "uniqueItems",
            Limit::MaxProperties => "maxProperties",
            Limit::MinProperties => "minProperties",
            Limit::MultipleOf => "multipleOf",
        }
    }

    /// The rule for a change of this limit on `side`, tighter or looser.
    pub(super) fn rule(self, side: super::Side, tighter: bool) -> Rule {
        let [
            request_tighter,
            request_looser,
            response_tighter,
            response_looser,
        ] = match self {
            Limit::MaxLength => [
                Rule::RequestMaxLengthTightened,
                Rule::RequestMaxLengthLoosened,
                Rule::ResponseMaxLengthTightened,
                Rule::ResponseMaxLengthLoosened,
            ],
            Limit::MinLength => [
                Rule::RequestMinLengthTightened,
                Rule::RequestMinLengthLoosened,
                Rule::ResponseMinLengthTightened,
                Rule::ResponseMinLengthLoosened,
            ],
            Limit::Maximum => [
                Rule::RequestMaximumTightened,
                Rule::RequestMaximumLoosened,
                Rule::ResponseMaximumTightened,
                Rule::ResponseMaximumLoosened,
            ],
            Limit::Minimum => [
                Rule::RequestMinimumTightened,
                Rule::RequestMinimumLoosened,
                Rule::ResponseMinimumTightened,
                Rule::ResponseMinimumLoosened,
            ],
            Limit::ExclusiveMaximum => [
                Rule::RequestExclusiveMaximumTightened,
                Rule::RequestExclusiveMaximumLoosened,
                Rule::ResponseExclusiveMaximumTightened,
                Rule::ResponseExclusiveMaximumLoosened,
            ],
            Limit::ExclusiveMinimum => [
                Rule::RequestExclusiveMinimumTightened,
                Rule::RequestExclusiveMinimumLoosened,
                Rule::ResponseExclusiveMinimumTightened,
                Rule::ResponseExclusiveMinimumLoosened,
            ],
            Limit::MaxItems => [
                Rule::RequestMaxItemsTightened,
                Rule::RequestMaxItemsLoosened,
                Rule::ResponseMaxItemsTightened,
                Rule::ResponseMaxItemsLoosened,
            ],
            Limit::MinItems => [
                Rule::RequestMinItemsTightened,
                Rule::RequestMinItemsLoosened,
                Rule::ResponseMinItemsTightened,
                Rule::ResponseMinItemsLoosened,
            ],
            Limit::UniqueItems => [
                Rule::RequestUniqueItemsTightened,
                Rule::RequestUniqueItemsLoosened,
                Rule::ResponseUniqueItemsTightened,
                Rule::ResponseUniqueItemsLoosened,
            ],
            Limit::MaxProperties => [
                Rule::RequestMaxPropertiesTightened,
                Rule::RequestMaxPropertiesLoosened,
                Rule::ResponseMaxPropertiesTightened,
                Rule::ResponseMaxPropertiesLoosened,
            ],
            Limit::MinProperties => [
                Rule::RequestMinPropertiesTightened,
                Rule::RequestMinPropertiesLoosened,
                Rule::ResponseMinPropertiesTightened,
                Rule::ResponseMinPropertiesLoosened,
            ],
            Limit::MultipleOf => [
                Rule::RequestMultipleOfTightened,
                Rule::RequestMultipleOfLoosened,
                Rule::ResponseMultipleOfTightened,
                Rule::ResponseMultipleOfLoosened,
            ],
        };
        match (side, tighter) {
            (super::Side::Request, true) => request_tighter,
            (super::Side::Request, false) => request_looser,
            (super::Side::Response, true) => response_tighter,
            (super::Side::Response, false) => response_looser,
        }
    }
}

impl Rule {
    /// The side a rule judges a value on, from its id: `request-` or `response-`.
    pub(super) fn side(self) -> Option<super::Side> {
        let id = self.id();
        if id.starts_with("request-") {
            Some(super::Side::Request)
        } else if id.starts_with("response-") {
            Some(super::Side::Response)
        } else {
            None
        }
    }
}

/// The catalog as text, one rule per line: what `cargo xtask drift --rules` prints.
pub fn catalog() -> String {
    let mut out = String::new();
    for rule in Rule::ALL {
        let verdict = match rule.impact() {
            Impact::Breaking => "breaking",
            Impact::Additive => "additive",
        };
        out.push_str(&format!("{:<42} {verdict:<9} {}\n", rule.id(), rule.why()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_kebab_case_and_say_their_side() {
        let mut seen = std::collections::BTreeSet::new();
        for rule in Rule::ALL {
            let id = rule.id();
            assert!(seen.insert(id), "{id} is used twice");
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id} is not kebab-case"
            );
            assert!(
                [
                    "operation-",
                    "webhook-",
                    "security-",
                    "request-",
                    "response-"
                ]
                .iter()
                .any(|side| id.starts_with(side)),
                "{id} does not say where it applies"
            );
        }
        assert!(catalog().lines().count() == Rule::ALL.len());
    }
}
