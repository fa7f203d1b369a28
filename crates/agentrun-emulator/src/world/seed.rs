//! The records a new emulated workspace starts with: what a real one would hold.

use agentrun_buildprint::types as bp;

use super::*;
use crate::config::{Config, Timing};

impl World {
    /// Workspaces for `config.apps`, each seeded with what a real one would hold.
    pub(crate) fn seeded(config: &Config, now: u64) -> Self {
        let mut world = World::default();
        let day = 86_400_000;
        for app_id in &config.apps {
            let app = world.projects.len();
            let project = Project {
                app_id: app_id.clone(),
                id: world.next_id("prj"),
                name: title_case(app_id),
            };
            world.projects.push(project);
            world.seed_app(app, now, day, &config.timing);
        }
        world
    }

    fn seed_app(&mut self, app: usize, now: u64, day: u64, timing: &Timing) {
        for (name, trigger, description, actions) in [
            (
                "Run smoke tests",
                bp::AutomationTriggerKind::Manual,
                "Manual / API",
                vec!["run_tests"],
            ),
            (
                "Nightly regression",
                bp::AutomationTriggerKind::Cron,
                "Every day at 02:00 UTC",
                vec!["run_tests", "send_message"],
            ),
            (
                "Notify on merge",
                bp::AutomationTriggerKind::BranchMerged,
                "When a branch is merged into main",
                vec!["send_webhook"],
            ),
        ] {
            let id = self.next_id("au");
            self.automations.push(AutomationRec {
                id,
                app,
                name,
                trigger,
                trigger_description: description,
                actions: actions.into_iter().map(Into::into).collect(),
                created_at: now - 30 * day,
                last_run_at: None,
            });
        }

        let shopper = self.next_id("tu");
        let admin = self.next_id("tu");
        for (id, name, email, database) in [
            (
                &shopper,
                "Test shopper",
                "shopper@example.com",
                bp::TestUserDatabase::Test,
            ),
            (
                &admin,
                "Live admin",
                "admin@example.com",
                bp::TestUserDatabase::Live,
            ),
        ] {
            self.users.push(UserRec {
                id: id.clone(),
                app,
                name: name.into(),
                description: None,
                email: Some(email.into()),
                database,
                disabled: false,
                created_at: now - 20 * day,
                deleted: false,
            });
        }

        let step = |world: &mut World, n: usize, instruction: &str| StepDef {
            id: world.next_id("st"),
            step_type: bp::TestStepInputStepType::Test,
            component_id: None,
            instruction: instruction.into(),
            details: None,
            tips: None,
            on_failure: bp::OnFailure::Stop,
            graph_node_key: format!("n{n}"),
            parent_graph_node_key: Some(if n == 1 {
                "start".into()
            } else {
                format!("n{}", n - 1)
            }),
            parent_condition_outcome: None,
            layout: (0.0, 120.0 * n as f64),
        };
        let login_id = self.next_id("ts");
        let login_steps = vec![
            step(self, 1, "Open the login page"),
            step(self, 2, "Sign in as the assigned test user"),
        ];
        let mut checkout_steps = vec![StepDef {
            step_type: bp::TestStepInputStepType::Component,
            component_id: Some(login_id.clone()),
            instruction: String::new(),
            ..step(self, 1, "")
        }];
        for (n, text) in [
            (2, "Add a lamp to the cart"),
            (3, "Pay with the test card"),
            (4, "See the order confirmation"),
        ] {
            checkout_steps.push(step(self, n, text));
        }
        let search_steps = vec![
            step(self, 1, "Search for 'lamp'"),
            step(self, 2, "See at least one result"),
        ];
        let checkout_id = self.next_id("ts");
        let search_id = self.next_id("ts");
        for (id, name, is_component, steps) in [
            (login_id, "Log in", true, login_steps),
            (
                checkout_id.clone(),
                "Checkout happy path",
                false,
                checkout_steps,
            ),
            (
                search_id.clone(),
                "Search finds products",
                false,
                search_steps,
            ),
        ] {
            self.tests.push(TestRec {
                id,
                app,
                name: name.into(),
                description: None,
                is_component,
                viewport: Some("desktop".into()),
                live_user: Some(admin.clone()),
                test_user: Some(shopper.clone()),
                timeout_minutes: Some(15),
                graph_start: (0.0, 0.0),
                steps,
                created_at: now - 10 * day,
                updated_at: now - 10 * day,
                archived_at: None,
            });
        }
        let group = self.next_id("tg");
        self.groups.push(GroupRec {
            id: group,
            app,
            name: "Smoke".into(),
            description: Some("Runs before every deploy.".into()),
            test_ids: vec![checkout_id, search_id],
            created_at: now - 9 * day,
            updated_at: now - 9 * day,
            archived_at: None,
        });

        for (id, display) in [
            ("main", "Main"),
            ("test", "Test"),
            ("feature-checkout", "Feature: checkout"),
            ("broken-export", "Broken export"),
        ] {
            self.branches.push(Branch {
                app,
                id: id.into(),
                display: display.into(),
            });
        }
        for (branch, display, age_days, change) in [
            ("main", "Main", 2, 1_480),
            ("main", "Main", 1, 1_512),
            ("feature-checkout", "Feature: checkout", 1, 1_530),
        ] {
            let id = self.next_id("ver");
            self.versions.push(VersionRec {
                id,
                app,
                branch: branch.into(),
                branch_display: display.into(),
                automatic: true,
                last_change: change,
                created_at: now - age_days * day,
                duration_ms: ms(timing.version_sync),
                fails: false,
            });
        }

        for (title, status, age_days) in [
            ("Tidy the signup flow", bp::ReviewMetadataStatus::Merged, 6),
            (
                "Experiment: new pricing page",
                bp::ReviewMetadataStatus::Closed,
                4,
            ),
        ] {
            let created = now - age_days * day;
            let agent_id = self.next_id("ag");
            let review_id = self.next_id("rv");
            self.agents.insert(
                agent_id.clone(),
                AgentRec {
                    id: agent_id.clone(),
                    app,
                    review_id: Some(review_id.clone()),
                    model: bp::Model::BuildprintGpt56Sol,
                    reasoning_effort: None,
                    permission: bp::Permission::ReadOnly,
                    permitted_branches: Vec::new(),
                    created_at: created,
                    turns: vec![Turn::schedule(
                        format!("Review the changes: {title}"),
                        created,
                        created,
                        timing,
                        timing.review_turn,
                    )],
                },
            );
            let sequence = self.reviews.iter().filter(|r| r.app == app).count() as u64 + 1;
            self.reviews.push(ReviewRec {
                id: review_id,
                app,
                sequence,
                status: status.clone(),
                title: Some(title.into()),
                description: None,
                from: "feature-checkout".into(),
                to: "main".into(),
                focus: None,
                agent_id,
                created_at: created,
                requested_by: Some(crate::config::MEMBER_EMAIL.into()),
                merged_at: (status == bp::ReviewMetadataStatus::Merged).then_some(created + day),
                closed_at: (status == bp::ReviewMetadataStatus::Closed).then_some(created + day),
            });
        }
    }
}
