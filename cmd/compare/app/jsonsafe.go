package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
)

// jsonSafe returns v as a tree that encoding/json always encodes: structs
// become objects in field order (with their json tags), and every NaN or
// ±Inf becomes null, its path (e.g. "runs.graph.weights.w01.sumsq") listed
// in nonFinite. JSON has no NaN or infinity, and a report must never be lost
// because a run produced one.
func jsonSafe(v any) (tree any, nonFinite []string) {
	tree = safeValue(reflect.ValueOf(v), "", &nonFinite)
	return tree, nonFinite
}

// object is a JSON object that keeps its keys in order.
type object []member

type member struct {
	key   string
	value any
}

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(m.key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(m.value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func safeValue(v reflect.Value, path string, bad *[]string) any {
	switch v.Kind() {
	case reflect.Invalid:
		return nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return safeValue(v.Elem(), path, bad)
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			*bad = append(*bad, path)
			return nil
		}
		return f
	case reflect.Struct:
		var o object
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name == "-" && opts == "" {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			fv := v.Field(i)
			if strings.Contains(opts, "omitempty") && fv.IsZero() {
				continue
			}
			o = append(o, member{name, safeValue(fv, join(path, name), bad)})
		}
		return o
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		o := make(object, 0, len(keys))
		for _, k := range keys {
			ks := fmt.Sprint(k)
			o = append(o, member{ks, safeValue(v.MapIndex(k), join(path, ks), bad)})
		}
		return o
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return nil
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = safeValue(v.Index(i), fmt.Sprintf("%s[%d]", path, i), bad)
		}
		return out
	}
	return v.Interface()
}
