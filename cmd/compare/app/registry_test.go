package app

import (
	"bytes"
	"math"
	"regexp"
	"strings"
	"testing"

	"outgrad/ops"
)

// arctan is an activation the ops registry does not hold.
var arctan = ops.NewPointwise("arctan", math.Atan, func(y float64) float64 { c := math.Cos(y); return c * c })

func TestRegisterRefusesClashesAndBadNames(t *testing.T) {
	a := New()
	err := a.Register(ops.NewPointwise("tanh", math.Tanh, func(y float64) float64 { return 1 - y*y }))
	if err == nil || err.Error() != `app: activation "tanh" is already registered` {
		t.Errorf("clash with tanh: %v", err)
	}
	if err := a.Register(arctan); err != nil {
		t.Fatal(err)
	}
	if err := a.Register(arctan); err == nil || !strings.Contains(err.Error(), `"arctan" is already registered`) {
		t.Errorf("second arctan: %v", err)
	}
	for _, name := range []string{"", "Arctan", "arc,tan", "arc tan"} {
		if err := a.Register(ops.NewPointwise(name, math.Atan, nil)); err == nil {
			t.Errorf("name %q accepted", name)
		}
	}
	if err := a.Register(nil); err == nil {
		t.Error("nil accepted")
	}
	if got := a.Names(); got[len(got)-1] != "arctan" || len(got) != len(ops.Names())+1 {
		t.Errorf("names %v", got)
	}
	if _, err := New().Lookup("arctan"); err == nil {
		t.Error("a new App knows arctan: the registry is shared")
	}
}

func TestListShowsRegisteredAndKinds(t *testing.T) {
	a := New()
	if err := a.Register(arctan); err != nil {
		t.Fatal(err)
	}
	silu := ops.NewPointwiseInput("silu", func(x float64) float64 { return x / (1 + math.Exp(-x)) },
		func(x float64) float64 { s := 1 / (1 + math.Exp(-x)); return s * (1 + x*(1-s)) })
	if err := a.Register(silu); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := a.Main([]string{"-list"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, re := range []string{`(?m)^  tanh +slope from the output$`, `(?m)^  arctan +slope from the output$`, `(?m)^  silu +slope from the input$`} {
		if !regexp.MustCompile(re).MatchString(out.String()) {
			t.Errorf("-list lacks %s:\n%s", re, out.String())
		}
	}
}

func TestRegisteredActivationByName(t *testing.T) {
	a := New()
	if err := a.Register(arctan); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := a.Main([]string{"-hidden-act", "arctan", "-iterations", "1", "-train-images", "200", "-quiet"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "hidden 100 arctan") || !strings.Contains(out.String(), "slope of arctan") {
		t.Errorf("report does not name arctan:\n%s", out.String())
	}
	out.Reset()
	code = a.Main([]string{"-sweep", "-hidden-acts", "arctan,tanh", "-outputs", "softmax", "-iterations", "1", "-train-images", "200", "-quiet"}, &out, &errb)
	if code != 0 {
		t.Fatalf("sweep exit %d: %s", code, errb.String())
	}
	if !regexp.MustCompile(`(?m)^. arctan +softmax +1 +0\.`).MatchString(out.String()) {
		t.Errorf("sweep table lacks arctan:\n%s", out.String())
	}
	errb.Reset()
	if code := New().Main([]string{"-hidden-act", "arctan"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), `unknown activation "arctan"`) {
		t.Errorf("unregistered arctan: exit %d, %q", code, errb.String())
	}
}

// TestRegisterRefusesIncomplete checks that an activation whose forward or
// slope is missing is refused at registration, naming the function, and
// leaves the registry as it was.
func TestRegisterRefusesIncomplete(t *testing.T) {
	for _, c := range []struct {
		act  ops.Activation
		want string
	}{
		{ops.NewPointwise("nofwd", nil, func(y float64) float64 { return 1 }), "Forward64 panics"},
		{ops.NewPointwise("noslope", func(x float64) float64 { return x }, nil), "Backward64 panics"},
		{ops.NewPointwiseInput("noderiv", func(x float64) float64 { return x }, nil), "Backward64 panics"},
	} {
		a := New()
		before := len(a.Names())
		err := a.Register(c.act)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.act.Name()) {
			t.Errorf("%s: %v, want an error naming it and %q", c.act.Name(), err, c.want)
		}
		if len(a.Names()) != before {
			t.Errorf("%s: registered anyway", c.act.Name())
		}
	}
}
