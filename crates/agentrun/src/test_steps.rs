//! Test steps that both versions of Buildprint's docs accept.
//!
//! The docs disagree on how a step is written: the endpoint pages want `kind` (`step` or
//! `component`) with `instruction` and `onFailure`, or `componentId`; the newer reference wants
//! `stepType` (`test`, `condition` or `component`) with `onFailure`. The generated
//! [`bp::TestStepInput`] carries both fields; these helpers fill both, so a step is understood
//! whichever version the API runs.
//!
//! ```
//! use agentrun::buildprint::types as bp;
//! use agentrun::test_steps;
//!
//! let open = test_steps::instruction("Open the shop", bp::OnFailure::Stop);
//! assert_eq!(open.kind.as_deref(), Some("step"));
//! assert_eq!(open.step_type, Some(bp::TestStepInputStepType::Test));
//!
//! // A step written for one version gets the other version's field too.
//! let written: bp::TestStepInput =
//!     serde_json::from_str(r#"{"kind": "component", "componentId": "ts_login"}"#)?;
//! let step = test_steps::for_either_version(written);
//! assert_eq!(step.step_type, Some(bp::TestStepInputStepType::Component));
//! # Ok::<(), serde_json::Error>(())
//! ```

use agentrun_buildprint::types as bp;

/// The older docs' `kind` of a direct executable step.
pub const KIND_STEP: &str = "step";
/// The older docs' `kind` of a reusable component reference.
pub const KIND_COMPONENT: &str = "component";

/// A step that carries out `instruction`.
pub fn instruction(instruction: impl Into<String>, on_failure: bp::OnFailure) -> bp::TestStepInput {
    bp::TestStepInput {
        kind: Some(KIND_STEP.into()),
        step_type: Some(bp::TestStepInputStepType::Test),
        instruction: Some(instruction.into()),
        on_failure: Some(on_failure),
        ..bp::TestStepInput::default()
    }
}

/// A step that runs the reusable component `component_id`.
pub fn component(component_id: impl Into<String>, on_failure: bp::OnFailure) -> bp::TestStepInput {
    bp::TestStepInput {
        kind: Some(KIND_COMPONENT.into()),
        step_type: Some(bp::TestStepInputStepType::Component),
        component_id: Some(component_id.into()),
        on_failure: Some(on_failure),
        ..bp::TestStepInput::default()
    }
}

/// Fills in whichever of `kind` and `stepType` the step lacks, from the other. A condition step
/// (newer docs only) gets no `kind`: the older docs have no such step.
pub fn for_either_version(mut step: bp::TestStepInput) -> bp::TestStepInput {
    match (&step.kind, &step.step_type) {
        (None, Some(bp::TestStepInputStepType::Component)) => {
            step.kind = Some(KIND_COMPONENT.into());
        }
        (None, Some(bp::TestStepInputStepType::Test)) => step.kind = Some(KIND_STEP.into()),
        (Some(kind), None) if kind == KIND_COMPONENT => {
            step.step_type = Some(bp::TestStepInputStepType::Component);
        }
        (Some(kind), None) if kind == KIND_STEP => {
            step.step_type = Some(bp::TestStepInputStepType::Test);
        }
        _ => {}
    }
    step
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_version_gets_the_others_field_and_nothing_is_overwritten() {
        let test = for_either_version(bp::TestStepInput {
            step_type: Some(bp::TestStepInputStepType::Test),
            ..Default::default()
        });
        assert_eq!(test.kind.as_deref(), Some(KIND_STEP));
        let step = for_either_version(bp::TestStepInput {
            kind: Some(KIND_STEP.into()),
            ..Default::default()
        });
        assert_eq!(step.step_type, Some(bp::TestStepInputStepType::Test));
        let condition = for_either_version(bp::TestStepInput {
            step_type: Some(bp::TestStepInputStepType::Condition),
            ..Default::default()
        });
        assert_eq!(condition.kind, None);
        let both = for_either_version(bp::TestStepInput {
            kind: Some("other".into()),
            step_type: Some(bp::TestStepInputStepType::Test),
            ..Default::default()
        });
        assert_eq!(both.kind.as_deref(), Some("other"));
        let component = component("ts_1", bp::OnFailure::Continue);
        let json = serde_json::to_value(&component).unwrap_or_default();
        assert_eq!(json["kind"], "component");
        assert_eq!(json["stepType"], "component");
        assert_eq!(json["componentId"], "ts_1");
    }
}
