//! The keys: which key means what, and what each command does to the [`State`].

use edgegrad::detect::config::{DetectConfig, EdgeOrder, AUTO_SIGMA};
use edgegrad::detect::derivatives::Operator;
use edgegrad::detect::edges::threshold::Threshold;
use edgegrad::detect::{EdgeRule, HysteresisLevels, Picture};
use minifb::Key;

use super::state::State;

/// Something the user asked for with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Show a view (`1` to `8`).
    Show(Picture),
    /// Raise the threshold (or both hysteresis levels) one step.
    ThresholdUp,
    /// Lower the threshold (or both hysteresis levels) one step.
    ThresholdDown,
    /// Less smoothing.
    SigmaDown,
    /// More smoothing.
    SigmaUp,
    /// The next derivative operator.
    NextOperator,
    /// Switch the edge order between 1 and 2.
    EdgeOrder,
    /// Thinning on/off.
    Thin,
    /// Canny on/off.
    Canny,
    /// Back to the automatic threshold (or automatic hysteresis levels).
    AutoThreshold,
    /// The next image of the folder.
    NextFile,
    /// The previous image of the folder.
    PreviousFile,
    /// Save the current view.
    Save,
    /// Read the file again.
    Reload,
    /// Print the keys.
    Help,
    /// Close the window.
    Quit,
}

/// What the window must do after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Nothing changed.
    Nothing,
    /// The state changed: ask for the new picture and title.
    Update,
    /// Save the current view.
    Save,
    /// Print the key list.
    Help,
    /// Close the window.
    Quit,
}

/// One threshold step: four steps double or halve it.
pub const THRESHOLD_STEP: f32 = 1.189_207_1;

/// The level a threshold step starts from when none is known yet.
pub const START_THRESHOLD: f32 = 0.1;

/// The smallest threshold reached by steps from zero.
const MIN_THRESHOLD: f32 = 1.0 / 1024.0;

/// The sigmas `[` and `]` step through (0 is no smoothing); about sqrt(2) apart.
pub const SIGMAS: [f32; 10] = [0.0, 0.5, 0.7, 1.0, 1.4, 2.0, 2.8, 4.0, 5.6, 8.0];

/// The key list `H` prints.
pub const HELP: &str = "\
edgegrad preview keys:
  1..8               view: 1 original, 2 edges, 3 magnitude, 4 dx, 5 dy, 6 direction, 7 overlay,
                     8 contours (sub-pixel curves, a colour each)
  Up / Down          raise / lower the threshold (with hysteresis: both levels)
  [ / ]              less / more smoothing (sigma)
  O                  next operator (central, sobel, scharr, prewitt, log)
  E                  edge order 1 / 2
  T                  thinning on / off
  C                  Canny on / off
  A                  automatic threshold
  Left / Right, PageUp / PageDown
                     previous / next image of the folder
  S                  save the current view beside the image (prints the path)
  R                  reload the file
  H                  print this list
  Q / Escape         close";

/// The command a key gives, if any.
pub fn command(key: Key) -> Option<Command> {
    use Command::*;
    Some(match key {
        Key::Key1 | Key::NumPad1 => Show(Picture::Original),
        Key::Key2 | Key::NumPad2 => Show(Picture::Edges),
        Key::Key3 | Key::NumPad3 => Show(Picture::Magnitude),
        Key::Key4 | Key::NumPad4 => Show(Picture::Dx),
        Key::Key5 | Key::NumPad5 => Show(Picture::Dy),
        Key::Key6 | Key::NumPad6 => Show(Picture::Direction),
        Key::Key7 | Key::NumPad7 => Show(Picture::Overlay),
        Key::Key8 | Key::NumPad8 => Show(Picture::Contours),
        Key::Up => ThresholdUp,
        Key::Down => ThresholdDown,
        Key::LeftBracket => SigmaDown,
        Key::RightBracket => SigmaUp,
        Key::O => NextOperator,
        Key::E => EdgeOrder,
        Key::T => Thin,
        Key::C => Canny,
        Key::A => AutoThreshold,
        Key::Right | Key::PageDown => NextFile,
        Key::Left | Key::PageUp => PreviousFile,
        Key::S => Save,
        Key::R => Reload,
        Key::H => Help,
        Key::Q | Key::Escape => Quit,
        _ => return None,
    })
}

/// The command of `key`, one of the keys the window saw down this turn (with key repeat),
/// when it acts now: at once when pressed (it is among `once`, the keys newly pressed), and
/// while held only for the commands that repeat.
pub fn pressed(key: Key, once: &[Key]) -> Option<Command> {
    command(key).filter(|&c| repeats(c) || once.contains(&key))
}

/// Whether holding the key down repeats the command (steps do; toggles and actions do not).
pub fn repeats(c: Command) -> bool {
    use Command::*;
    matches!(
        c,
        ThresholdUp | ThresholdDown | SigmaDown | SigmaUp | NextFile | PreviousFile
    )
}

impl State {
    /// Carries out `command`, saying what the window must do next.
    pub fn apply(&mut self, command: Command) -> Effect {
        use Command::*;
        let mut c = self.config.clone();
        match command {
            Show(v) if v == self.view => return Effect::Nothing,
            Show(v) => {
                self.view = v;
                return Effect::Update;
            }
            NextFile | PreviousFile if self.files.len() < 2 => return Effect::Nothing,
            NextFile | PreviousFile => {
                let n = self.files.len();
                self.index = if command == NextFile {
                    (self.index + 1) % n
                } else {
                    (self.index + n - 1) % n
                };
                self.version = 0;
                self.problem = None;
                return Effect::Update;
            }
            Reload => {
                self.version += 1;
                self.problem = None;
                return Effect::Update;
            }
            Save => return Effect::Save,
            Help => return Effect::Help,
            Quit => return Effect::Quit,
            ThresholdUp => self.step_threshold(&mut c, THRESHOLD_STEP),
            ThresholdDown => self.step_threshold(&mut c, 1.0 / THRESHOLD_STEP),
            SigmaDown | SigmaUp => {
                let now = c.effective_sigma();
                let next = if command == SigmaUp {
                    SIGMAS.iter().find(|&&s| s > now * 1.001)
                } else {
                    SIGMAS.iter().rev().find(|&&s| s < now * 0.999)
                };
                match next {
                    Some(&s) => c.sigma = Some(s),
                    None => return Effect::Nothing,
                }
            }
            NextOperator => {
                // Log's zero crossings replace thinning, and it does not go with Canny: under
                // Canny it is skipped, and choosing it switches thinning off.
                let n = Operator::ALL.len();
                let i = Operator::ALL.iter().position(|&op| op == c.operator);
                let next = (1..=n)
                    .map(|k| Operator::ALL[i.map_or(0, |i| (i + k) % n)])
                    .find(|&op| op != Operator::Log || !c.rule.is_canny());
                c.operator = next.unwrap_or(c.operator);
                if c.operator == Operator::Log {
                    c.thin = false;
                }
            }
            EdgeOrder => {
                c.edge_order = match c.edge_order {
                    self::EdgeOrder::First => self::EdgeOrder::Second,
                    self::EdgeOrder::Second => self::EdgeOrder::First,
                }
            }
            Thin => c.thin = !c.thin,
            Canny => {
                c.rule = match c.rule {
                    EdgeRule::Threshold(t) => {
                        self.shelved = t;
                        EdgeRule::Canny(None)
                    }
                    EdgeRule::Hysteresis(levels) => EdgeRule::Canny(Some(levels)),
                    EdgeRule::Canny(Some(levels)) => EdgeRule::Hysteresis(levels),
                    EdgeRule::Canny(None) => EdgeRule::Threshold(self.shelved),
                }
            }
            AutoThreshold => {
                self.shelved = Threshold::Auto;
                c.rule = match c.rule {
                    EdgeRule::Canny(_) => EdgeRule::Canny(None),
                    _ => EdgeRule::Threshold(Threshold::Auto),
                };
            }
        }
        self.set_config(c)
    }

    /// Scales the threshold, or both hysteresis levels when hysteresis decides the edges, by
    /// `factor`, starting from the levels found when the threshold was automatic.
    fn step_threshold(&self, c: &mut DetectConfig, factor: f32) {
        let found = self.levels();
        let step = |v: f32| (v.max(MIN_THRESHOLD) * factor).min(f32::MAX);
        match c.rule {
            EdgeRule::Threshold(threshold) => {
                if threshold == Threshold::Auto {
                    // Keep what the automatic level implied, so only the level changes.
                    c.thin = true;
                    c.sigma = c.sigma.or(Some(AUTO_SIGMA));
                }
                let now = match threshold {
                    Threshold::Value(v) => v,
                    Threshold::Auto | Threshold::Otsu | Threshold::Percent(_) => {
                        found.map_or(START_THRESHOLD, |l| l.threshold)
                    }
                };
                c.rule = EdgeRule::Threshold(Threshold::Value(step(now)));
            }
            EdgeRule::Hysteresis(_) | EdgeRule::Canny(_) => {
                let (low, high) = c
                    .rule
                    .levels()
                    .map(HysteresisLevels::pair)
                    .or(found.and_then(|l| l.hysteresis))
                    .unwrap_or((START_THRESHOLD / 2.0, START_THRESHOLD));
                let Ok(levels) = HysteresisLevels::new(step(low), step(high)) else {
                    return;
                };
                c.rule = match c.rule {
                    EdgeRule::Canny(_) => EdgeRule::Canny(Some(levels)),
                    _ => EdgeRule::Hysteresis(levels),
                };
            }
        }
    }

    /// Takes `c` if it is valid and different.
    fn set_config(&mut self, c: DetectConfig) -> Effect {
        if c == self.config {
            return Effect::Nothing;
        }
        match c.clone().build() {
            Ok(p) => {
                self.config = c;
                self.pipeline = p;
                Effect::Update
            }
            Err(_) => Effect::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::freshness::{Have, Work};
    use super::super::plain;
    use super::super::state::{Found, Levels};
    use super::*;

    const WINDOW: (usize, usize) = (640, 480);

    fn state(config: DetectConfig) -> State {
        let p = config.clone().build().unwrap();
        State::new(
            vec!["a.png".into(), "b.png".into(), "c.png".into()],
            config,
            p,
        )
    }

    /// Presses `key` in a state whose current picture is fully computed: returns the effect
    /// and the work the new state needs.
    fn press(s: &mut State, key: Key) -> (Effect, Work) {
        let mut have = Have::new();
        let before = s.request(WINDOW);
        let work = have.plan(&before);
        have.record(&before, work, have.missing(&before));
        let effect = s.apply(command(key).expect("a key with a command"));
        (effect, have.plan(&s.request(WINDOW)))
    }

    fn found(s: &mut State, threshold: f32, hysteresis: Option<(f32, f32)>) {
        s.found = Some(Found {
            file: s.file(),
            pipeline: s.pipeline.clone(),
            levels: Levels {
                threshold,
                hysteresis,
            },
        });
    }

    #[test]
    fn every_listed_key_has_a_command_and_others_none() {
        for key in [
            Key::Key1,
            Key::Key7,
            Key::Key8,
            Key::Up,
            Key::Down,
            Key::LeftBracket,
            Key::RightBracket,
            Key::O,
            Key::E,
            Key::T,
            Key::C,
            Key::A,
            Key::S,
            Key::R,
            Key::H,
            Key::Q,
            Key::Escape,
            Key::Left,
            Key::Right,
            Key::PageUp,
            Key::PageDown,
        ] {
            assert!(command(key).is_some(), "{key:?}");
        }
        for key in [Key::Key9, Key::Z, Key::Space, Key::LeftShift] {
            assert_eq!(command(key), None, "{key:?}");
        }
    }

    #[test]
    fn view_keys_render_or_run_what_the_view_needs() {
        let mut s = state(plain());
        assert_eq!(press(&mut s, Key::Key7), (Effect::Update, Work::Render));
        assert_eq!(s.view, Picture::Overlay);
        assert_eq!(press(&mut s, Key::Key1), (Effect::Update, Work::Render));
        assert_eq!(press(&mut s, Key::Key3), (Effect::Update, Work::Pipeline));
        assert_eq!(s.view, Picture::Magnitude);
        assert_eq!(press(&mut s, Key::Key3), (Effect::Nothing, Work::Nothing));
    }

    #[test]
    fn threshold_steps_start_from_the_automatic_level() {
        let mut s = state(plain());
        found(&mut s, 0.2, None);
        assert_eq!(press(&mut s, Key::Up), (Effect::Update, Work::Pipeline));
        assert_eq!(
            s.config.rule,
            EdgeRule::Threshold(Threshold::Value(0.2 * THRESHOLD_STEP))
        );
        for _ in 0..4 {
            press(&mut s, Key::Down);
        }
        let EdgeRule::Threshold(Threshold::Value(v)) = s.config.rule else {
            panic!("{:?}", s.config.rule)
        };
        assert!((v - 0.2 / THRESHOLD_STEP.powi(3)).abs() < 1e-6, "{v}");
        assert!((THRESHOLD_STEP.powi(4) - 2.0).abs() < 1e-5);
        assert_eq!(press(&mut s, Key::A), (Effect::Update, Work::Pipeline));
        assert_eq!(s.config.rule, EdgeRule::Threshold(Threshold::Auto));
    }

    #[test]
    fn threshold_steps_without_a_known_level_start_from_a_default() {
        let mut s = state(DetectConfig {
            rule: EdgeRule::Threshold(Threshold::Percent(10.0)),
            ..plain()
        });
        press(&mut s, Key::Down);
        assert_eq!(
            s.config.rule,
            EdgeRule::Threshold(Threshold::Value(START_THRESHOLD * (1.0 / THRESHOLD_STEP)))
        );
        // From zero, steps go up.
        let mut s = state(DetectConfig {
            rule: EdgeRule::Threshold(Threshold::Value(0.0)),
            ..plain()
        });
        press(&mut s, Key::Up);
        assert_eq!(
            s.config.rule,
            EdgeRule::Threshold(Threshold::Value(MIN_THRESHOLD * THRESHOLD_STEP))
        );
    }

    #[test]
    fn threshold_keys_do_not_recompute_views_without_edges() {
        let mut s = state(plain());
        s.view = Picture::Dx;
        assert_eq!(press(&mut s, Key::Up), (Effect::Update, Work::Nothing));
        assert_eq!(press(&mut s, Key::T), (Effect::Update, Work::Nothing));
        assert_eq!(press(&mut s, Key::O), (Effect::Update, Work::Pipeline));
    }

    #[test]
    fn canny_threshold_steps_move_both_hysteresis_levels() {
        let mut s = state(DetectConfig {
            rule: EdgeRule::Canny(None),
            ..plain()
        });
        found(&mut s, 0.3, Some((0.1, 0.3)));
        assert_eq!(press(&mut s, Key::Down), (Effect::Update, Work::Pipeline));
        let (low, high) = s.config.rule.levels().unwrap().pair();
        assert_eq!(
            (low, high),
            (0.1 * (1.0 / THRESHOLD_STEP), 0.3 * (1.0 / THRESHOLD_STEP)),
            "{:?}",
            s.config
        );
        press(&mut s, Key::A);
        assert_eq!(s.config.rule, EdgeRule::Canny(None));
    }

    #[test]
    fn canny_off_goes_back_to_the_threshold_or_the_levels_it_had() {
        let one = EdgeRule::Threshold(Threshold::Value(0.25));
        let mut s = state(DetectConfig {
            rule: one,
            ..plain()
        });
        assert_eq!(press(&mut s, Key::C), (Effect::Update, Work::Pipeline));
        assert_eq!(s.config.rule, EdgeRule::Canny(None));
        press(&mut s, Key::C);
        assert_eq!(s.config.rule, one);
        // Levels set while Canny is on stay as plain hysteresis when it is switched off, and
        // come back to Canny when it is switched on again.
        press(&mut s, Key::C);
        found(&mut s, 0.3, Some((0.1, 0.3)));
        press(&mut s, Key::Up);
        let levels = s.config.rule.levels().unwrap();
        press(&mut s, Key::C);
        assert_eq!(s.config.rule, EdgeRule::Hysteresis(levels));
        press(&mut s, Key::Down);
        let lower = s.config.rule.levels().unwrap();
        assert!(lower.high() < levels.high());
        press(&mut s, Key::C);
        assert_eq!(s.config.rule, EdgeRule::Canny(Some(lower)));
        // A under Canny: automatic levels, and the automatic threshold once Canny is off.
        press(&mut s, Key::A);
        assert_eq!(s.config.rule, EdgeRule::Canny(None));
        press(&mut s, Key::C);
        assert_eq!(s.config.rule, EdgeRule::Threshold(Threshold::Auto));
    }

    #[test]
    fn sigma_steps_through_the_ladder_from_the_effective_value() {
        let mut s = state(plain());
        assert_eq!(
            press(&mut s, Key::LeftBracket),
            (Effect::Nothing, Work::Nothing)
        );
        assert_eq!(
            press(&mut s, Key::RightBracket),
            (Effect::Update, Work::Pipeline)
        );
        assert_eq!(s.config.sigma, Some(0.5));
        // Canny smooths with 1.4 by default: one step down is 1.0, a value between steps
        // goes to the neighbouring step.
        let mut s = state(DetectConfig {
            rule: EdgeRule::Canny(None),
            ..plain()
        });
        press(&mut s, Key::LeftBracket);
        assert_eq!(s.config.sigma, Some(1.0));
        let mut s = state(DetectConfig {
            sigma: Some(1.2),
            ..plain()
        });
        press(&mut s, Key::RightBracket);
        assert_eq!(s.config.sigma, Some(1.4));
        let mut s = state(DetectConfig {
            sigma: Some(8.0),
            ..plain()
        });
        assert_eq!(press(&mut s, Key::RightBracket).0, Effect::Nothing);
    }

    #[test]
    fn operator_cycles_and_toggles_flip() {
        let mut s = state(plain());
        let mut seen = vec![];
        for _ in 0..5 {
            assert_eq!(press(&mut s, Key::O), (Effect::Update, Work::Pipeline));
            seen.push(s.config.operator);
        }
        use Operator::*;
        assert_eq!(seen, vec![Sobel, Scharr, Prewitt, Log, Central]);
        // Under Canny, log is skipped; with thinning on, choosing it switches thinning off.
        let mut canny = state(DetectConfig {
            operator: Prewitt,
            rule: EdgeRule::Canny(None),
            ..plain()
        });
        press(&mut canny, Key::O);
        assert_eq!(canny.config.operator, Central);
        let mut thin = state(DetectConfig {
            operator: Prewitt,
            thin: true,
            ..plain()
        });
        press(&mut thin, Key::O);
        assert_eq!((thin.config.operator, thin.config.thin), (Log, false));
        assert_eq!(press(&mut s, Key::E), (Effect::Update, Work::Pipeline));
        assert_eq!(s.config.edge_order, EdgeOrder::Second);
        press(&mut s, Key::E);
        assert_eq!(s.config.edge_order, EdgeOrder::First);
        assert_eq!(press(&mut s, Key::T), (Effect::Update, Work::Pipeline));
        assert!(s.config.thin);
        assert_eq!(press(&mut s, Key::C), (Effect::Update, Work::Pipeline));
        assert!(s.config.rule.is_canny());
        // Canny thins anyway: switching thinning off changes nothing computed.
        assert_eq!(press(&mut s, Key::T), (Effect::Update, Work::Nothing));
    }

    #[test]
    fn file_keys_step_and_wrap_and_reload_loads_again() {
        let mut s = state(plain());
        assert_eq!(press(&mut s, Key::Left), (Effect::Update, Work::Load));
        assert_eq!(s.index, 2);
        press(&mut s, Key::PageDown);
        assert_eq!(s.index, 0);
        press(&mut s, Key::Right);
        assert_eq!(s.index, 1);
        assert_eq!(press(&mut s, Key::R), (Effect::Update, Work::Load));
        assert_eq!(s.version, 1);
        s.files.truncate(1);
        s.index = 0;
        assert_eq!(press(&mut s, Key::Right), (Effect::Nothing, Work::Nothing));
    }

    #[test]
    fn actions_change_nothing_computed() {
        for (key, effect) in [
            (Key::S, Effect::Save),
            (Key::H, Effect::Help),
            (Key::Q, Effect::Quit),
            (Key::Escape, Effect::Quit),
        ] {
            let mut s = state(plain());
            assert_eq!(press(&mut s, key), (effect, Work::Nothing));
        }
    }

    #[test]
    fn steps_repeat_and_toggles_do_not() {
        assert!(repeats(Command::ThresholdUp));
        assert!(repeats(Command::SigmaUp));
        assert!(!repeats(Command::Thin));
        assert!(!repeats(Command::Save));
        assert!(!repeats(Command::Show(Picture::Edges)));
        // Held: only the commands that repeat; newly pressed: all.
        assert_eq!(pressed(Key::Up, &[]), Some(Command::ThresholdUp));
        assert_eq!(pressed(Key::T, &[]), None);
        assert_eq!(pressed(Key::T, &[Key::T]), Some(Command::Thin));
        assert_eq!(pressed(Key::F1, &[Key::F1]), None);
    }

    #[test]
    fn help_lists_every_key() {
        for word in [
            "1..8",
            "contours",
            "Up / Down",
            "[ / ]",
            "O ",
            "E ",
            "T ",
            "C ",
            "A ",
            "PageUp",
            "S ",
            "R ",
            "H ",
            "Escape",
        ] {
            assert!(HELP.contains(word), "{word}");
        }
    }
}
