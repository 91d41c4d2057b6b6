"""The curated skill vocabulary Rung starts with. Staff extend it in the admin."""

SKILLS: dict[str, list[str]] = {
    "Data": ["Data analysis", "SQL", "Python", "Excel", "Data visualisation", "Statistics", "Machine learning"],
    "Software": ["JavaScript", "TypeScript", "React", "Django", "APIs", "Testing", "Git", "Accessibility"],
    "Design": ["UX research", "UI design", "Figma", "Illustration", "Branding"],
    "Marketing": ["Copywriting", "Social media", "SEO", "Content strategy", "Email marketing"],
    "Business": ["Market research", "Financial modelling", "Project management", "Operations", "Sales research"],
    "Communication": ["Technical writing", "Presenting", "Translation", "Customer support"],
}
