// The formula language of formula indicators: a recursive-descent parser to an AST and an
// evaluator over exact decimals. Nothing here executes text as code.
#include <stdexcept>

#include "indicators/indicators.hpp"

namespace duban::indicators {

struct Formula::Node {
    enum class Kind { kNum, kRef, kNeg, kAdd, kSub, kMul, kDiv } kind = Kind::kNum;
    Decimal num;
    std::string ref;
    std::shared_ptr<const Node> a, b;
};

namespace {

using Node = Formula::Node;
using NodeP = std::shared_ptr<const Node>;

class Parser {
public:
    Parser(std::string_view s, const std::function<bool(const std::string&)>& known,
           std::vector<std::string>* refs)
        : s_(s), known_(known), refs_(refs) {}

    Result<NodeP> Run() {
        auto n = Expr();
        if (!n.ok()) return n;
        Skip();
        if (i_ < s_.size()) return Fail("unexpected '" + std::string(1, s_[i_]) + "'");
        return n;
    }

private:
    core::Error Fail(const std::string& msg) const {
        return core::Error::Validation("formula", "position " + std::to_string(i_ + 1) + ": " + msg,
                                       "bad_formula");
    }
    void Skip() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
    }
    Result<NodeP> Expr() {
        auto l = Term();
        if (!l.ok()) return l;
        NodeP left = *l;
        for (;;) {
            Skip();
            if (i_ >= s_.size() || (s_[i_] != '+' && s_[i_] != '-')) return left;
            char op = s_[i_++];
            auto r = Term();
            if (!r.ok()) return r;
            auto n = std::make_shared<Node>();
            n->kind = op == '+' ? Node::Kind::kAdd : Node::Kind::kSub;
            n->a = left;
            n->b = *r;
            left = n;
        }
    }
    Result<NodeP> Term() {
        auto l = Unary();
        if (!l.ok()) return l;
        NodeP left = *l;
        for (;;) {
            Skip();
            if (i_ >= s_.size() || (s_[i_] != '*' && s_[i_] != '/')) return left;
            char op = s_[i_++];
            auto r = Unary();
            if (!r.ok()) return r;
            auto n = std::make_shared<Node>();
            n->kind = op == '*' ? Node::Kind::kMul : Node::Kind::kDiv;
            n->a = left;
            n->b = *r;
            left = n;
        }
    }
    Result<NodeP> Unary() {
        Skip();
        if (i_ < s_.size() && s_[i_] == '-') {
            ++i_;
            if (++depth_ > 64) return Fail("too deeply nested");
            auto x = Unary();
            --depth_;
            if (!x.ok()) return x;
            auto n = std::make_shared<Node>();
            n->kind = Node::Kind::kNeg;
            n->a = *x;
            return NodeP(n);
        }
        return Primary();
    }
    Result<NodeP> Primary() {
        Skip();
        if (i_ >= s_.size()) return Fail("expected a number, an indicator code or '('");
        char ch = s_[i_];
        if (ch == '(') {
            if (++depth_ > 64) return Fail("too deeply nested");
            ++i_;
            auto e = Expr();
            if (!e.ok()) return e;
            Skip();
            if (i_ >= s_.size() || s_[i_] != ')') return Fail("expected ')'");
            ++i_;
            --depth_;
            return e;
        }
        if ((ch >= '0' && ch <= '9') || ch == '.') {
            size_t start = i_;
            while (i_ < s_.size() && ((s_[i_] >= '0' && s_[i_] <= '9') || s_[i_] == '.')) ++i_;
            auto d = Decimal::Parse(s_.substr(start, i_ - start));
            if (!d.ok()) {
                std::string bad(s_.substr(start, i_ - start));
                i_ = start;
                return Fail("bad number '" + bad + "'");
            }
            auto n = std::make_shared<Node>();
            n->kind = Node::Kind::kNum;
            n->num = *d;
            return NodeP(n);
        }
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_') {
            size_t start = i_;
            while (i_ < s_.size() && ((s_[i_] >= 'A' && s_[i_] <= 'Z') || (s_[i_] >= 'a' && s_[i_] <= 'z') ||
                                      (s_[i_] >= '0' && s_[i_] <= '9') || s_[i_] == '_'))
                ++i_;
            std::string code(s_.substr(start, i_ - start));
            if (!known_(code)) {
                i_ = start;
                return Fail("unknown indicator " + code);
            }
            bool seen = false;
            for (auto& r : *refs_) seen = seen || r == code;
            if (!seen) refs_->push_back(code);
            auto n = std::make_shared<Node>();
            n->kind = Node::Kind::kRef;
            n->ref = code;
            return NodeP(n);
        }
        return Fail("unexpected '" + std::string(1, ch) + "'");
    }

    std::string_view s_;
    const std::function<bool(const std::string&)>& known_;
    std::vector<std::string>* refs_;
    size_t i_ = 0;
    int depth_ = 0;
};

constexpr int kWorkScale = 10;

std::optional<Decimal> EvalNode(const Node& n,
                                const std::function<std::optional<Decimal>(const std::string&)>& lookup) {
    switch (n.kind) {
        case Node::Kind::kNum: return n.num;
        case Node::Kind::kRef: return lookup(n.ref);
        case Node::Kind::kNeg: {
            auto a = EvalNode(*n.a, lookup);
            if (!a) return std::nullopt;
            return -*a;
        }
        default: break;
    }
    auto a = EvalNode(*n.a, lookup);
    auto b = EvalNode(*n.b, lookup);
    if (!a || !b) return std::nullopt;
    switch (n.kind) {
        case Node::Kind::kAdd: return *a + *b;
        case Node::Kind::kSub: return *a - *b;
        case Node::Kind::kMul: return (*a * *b).Rescale(kWorkScale);
        case Node::Kind::kDiv: {
            auto q = Divide(*a, *b, kWorkScale);
            if (!q.ok()) return std::nullopt;
            return *q;
        }
        default: return std::nullopt;
    }
}

}  // namespace

Result<Formula> Formula::Parse(std::string_view text, const std::function<bool(const std::string&)>& known) {
    if (text.size() > 1000) return core::Error::Validation("formula", "a formula has at most 1000 characters", "bad_formula");
    Formula f;
    Parser p(text, known, &f.refs_);
    auto root = p.Run();
    if (!root.ok()) return root.error();
    f.root_ = *root;
    return f;
}

std::optional<Decimal> Formula::Eval(const std::function<std::optional<Decimal>(const std::string&)>& lookup,
                                     int scale) const {
    if (!root_) return std::nullopt;
    try {
        auto v = EvalNode(*root_, lookup);
        if (!v) return std::nullopt;
        return v->Rescale(scale);
    } catch (const std::overflow_error&) {
        return std::nullopt;
    }
}

}  // namespace duban::indicators
